import { inTransaction, type SqlSession } from '@meshtrail/database';
import { AUDIT_WRITE_LOCK } from '../sql-client';
import { applyProjectionDelta } from './apply-projection-delta';
import { foldEvents, type ProjectedEvent } from './projection-delta';

export interface RebuildReport {
  events: number;
  memberships: number;
  objectTypes: number;
}

/**
 * Rebuilds every projection from the event store with the same fold the ingestion applies, in
 * one transaction (readers see the old projections until it commits) that holds the writers'
 * lock, so no batch is stored half-way through the rebuild.
 */
export async function rebuildProjections(client: SqlSession, { chunkSize = 10_000 } = {}): Promise<RebuildReport> {
  return inTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_WRITE_LOCK]);
    await client.query('TRUNCATE workspace_memberships, live_objects, object_counts');
    await client.query(
      `DECLARE projection_source NO SCROLL CURSOR FOR
       SELECT seq::text AS position, occurred_at, object_type, object_id, action, workspace, changes
       FROM audit_events
       WHERE object_type IN ('WorkspaceAccess', 'User', 'Workspace') OR action IN ('created', 'deleted')
       ORDER BY audit_events.seq`,
    );
    let events = 0;
    for (;;) {
      const { rows } = await client.query<{
        position: string;
        occurred_at: Date;
        object_type: string;
        object_id: string;
        action: string;
        workspace: string | null;
        changes: ProjectedEvent['changes'];
      }>(`FETCH ${Math.max(1, Math.floor(chunkSize))} FROM projection_source`);
      if (rows.length === 0) break;
      events += rows.length;
      await applyProjectionDelta(
        client,
        foldEvents(
          rows.map((row) => ({
            seq: Number(row.position),
            occurredAt: row.occurred_at,
            objectType: row.object_type,
            objectId: row.object_id,
            action: row.action,
            workspace: row.workspace,
            changes: row.changes,
          })),
        ),
      );
    }
    await client.query('CLOSE projection_source');
    const [{ memberships, types }] = (
      await client.query<{ memberships: string; types: string }>(
        `SELECT (SELECT count(*) FROM workspace_memberships)::text AS memberships,
                (SELECT count(*) FROM object_counts)::text AS types`,
      )
    ).rows;
    return { events, memberships: Number(memberships), objectTypes: Number(types) };
  });
}
