/** One user's standing in one workspace, as the membership projection knows it. */
export interface MembershipRecord {
  workspace: string;
  /** Whether the user currently holds a reading role (owner or manager) there. */
  active: boolean;
  /** When the projection last changed: the grant, or the revocation. */
  changedAt: Date;
}

/**
 * The workspaces a user may read: the projection's active memberships, plus the workspace roles
 * the token claims — except where the projection recorded a revocation after the token was
 * issued, so a revocation takes effect without waiting for a new token.
 */
export function effectiveWorkspaces(
  claimed: Iterable<string>,
  memberships: readonly MembershipRecord[],
  tokenIssuedAt: Date | undefined,
): string[] {
  const result = new Set<string>();
  const revokedAfterIssue = new Set<string>();
  for (const membership of memberships) {
    if (membership.active) result.add(membership.workspace);
    // a token without iat cannot prove it is newer than any revocation
    else if (!tokenIssuedAt || membership.changedAt >= tokenIssuedAt) revokedAfterIssue.add(membership.workspace);
  }
  for (const workspace of claimed) if (!revokedAfterIssue.has(workspace)) result.add(workspace);
  return [...result].sort();
}
