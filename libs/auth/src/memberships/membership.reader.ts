import type { SqlQueries } from '@meshtrail/database';
import { normaliseWorkspaceRole } from '../oidc/claims';
import type { MembershipRecord } from './effective-workspaces';

/**
 * Reads a user's workspace standing on every request, with no cache, so a revocation counts from
 * the moment audit-ingest has stored it:
 * - the reading roles (owner, manager) the `workspace_memberships` projection holds, and
 * - the WorkspaceAccess revocations of reading roles since the token was issued, for the
 *   workspaces the token claims (the projection forgets a membership once it is revoked): those
 *   the read model holds, and those stored but not projected yet (the trail after the projection's
 *   position, short while the projector keeps up), so a lagging projector never delays one.
 */
/** The role a WorkspaceAccess revocation names (its "role" change's `from`). */
const REVOKED_ROLE = `(SELECT c->>'from' FROM jsonb_array_elements(changes) c WHERE c->>'field' = 'role' LIMIT 1)`;

export class MembershipReader {
  constructor(private readonly db: SqlQueries) {}

  async membershipsOf(
    userId: string,
    claimed: readonly string[],
    since: Date | undefined,
  ): Promise<MembershipRecord[]> {
    // read first, so the tail's bound is a value the planner can take to the commit-order index
    // (rows the projector passes meanwhile are read twice, which a revocation survives)
    const [position] = await this.db.query<{ xact_id: string; seq: string }>(
      `SELECT xact_id::text, seq::text FROM projection_positions WHERE projection = 'audit_events'`,
    );
    const rows = await this.db.query<{ workspace: string; role: string | null; changed_at: Date; active: boolean }>(
      `SELECT workspace, role, since AS changed_at, true AS active
         FROM workspace_memberships WHERE user_id = $1
       UNION ALL
       SELECT workspace, ${REVOKED_ROLE}, occurred_at, false
         FROM audit_event_search
        WHERE object_id = $1 AND object_type = 'WorkspaceAccess' AND action = 'revoked'
          AND workspace = ANY($2::text[]) AND occurred_at >= $3
       UNION ALL
       SELECT workspace, ${REVOKED_ROLE}, occurred_at, false
         FROM audit_events
        WHERE (xact_id, seq) > ($4::xid8, $5::bigint)
          AND object_id = $1 AND object_type = 'WorkspaceAccess' AND action = 'revoked'
          AND workspace = ANY($2::text[]) AND occurred_at >= $3`,
      [userId, claimed, since ?? new Date(0), position?.xact_id ?? '0', position?.seq ?? '0'],
    );
    return rows
      .filter((row) => row.role !== null && normaliseWorkspaceRole(row.role) !== undefined)
      .map((row) => ({ workspace: row.workspace, active: row.active, changedAt: row.changed_at }));
  }
}
