import type { SqlQueries } from '@meshtrail/database';
import { normaliseWorkspaceRole } from '../oidc/claims';
import type { MembershipRecord } from './effective-workspaces';

/**
 * Reads a user's workspace standing on every request, with no cache, so a revocation counts from
 * the moment audit-ingest has projected it (well under a second after it was stored):
 * - the reading roles (owner, manager) the `workspace_memberships` projection holds, and
 * - the WorkspaceAccess revocations of reading roles in the read model since the token was issued,
 *   for the workspaces the token claims (the projection forgets a membership once it is revoked).
 */
export class MembershipReader {
  constructor(private readonly db: SqlQueries) {}

  async membershipsOf(
    userId: string,
    claimed: readonly string[],
    since: Date | undefined,
  ): Promise<MembershipRecord[]> {
    const rows = await this.db.query<{ workspace: string; role: string | null; changed_at: Date; active: boolean }>(
      `SELECT workspace, role, since AS changed_at, true AS active
         FROM workspace_memberships WHERE user_id = $1
       UNION ALL
       SELECT workspace,
              (SELECT c->>'from' FROM jsonb_array_elements(changes) c WHERE c->>'field' = 'role' LIMIT 1),
              occurred_at, false
         FROM audit_event_search
        WHERE object_id = $1 AND object_type = 'WorkspaceAccess' AND action = 'revoked'
          AND workspace = ANY($2::text[]) AND occurred_at >= $3`,
      [userId, claimed, since ?? new Date(0)],
    );
    return rows
      .filter((row) => row.role !== null && normaliseWorkspaceRole(row.role) !== undefined)
      .map((row) => ({ workspace: row.workspace, active: row.active, changedAt: row.changed_at }));
  }
}
