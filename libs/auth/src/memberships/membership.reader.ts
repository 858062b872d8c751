import type { SqlRunner } from '../sql-runner';
import { READING_WORKSPACE_ROLES } from '../oidc/claims';
import type { MembershipRecord } from './effective-workspaces';

/**
 * Reads a user's workspace memberships from the `workspace_memberships` projection (kept by
 * audit-ingest from granted and revoked events), on every request: no cache, so a revocation
 * counts from the moment it is projected.
 */
export class MembershipReader {
  constructor(private readonly db: SqlRunner) {}

  async membershipsOf(userId: string): Promise<MembershipRecord[]> {
    const rows = await this.db.query<{ workspace: string; role: string; since: Date }>(
      `SELECT workspace, role, since FROM workspace_memberships WHERE user_id = $1`,
      [userId],
    );
    return rows.map((row) => ({
      workspace: row.workspace,
      active: (READING_WORKSPACE_ROLES as readonly string[]).includes(row.role),
      changedAt: row.since,
    }));
  }
}
