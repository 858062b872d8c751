import { inTransaction, type SqlSession } from '@meshtrail/database';
import { INGEST_ROLE } from '../sql-client';
import { PROJECTOR_LOCK, SEARCH_COLUMNS, TRAIL_PROJECTION, projectNext } from './project-trail';
import { restoreProjectionSnapshot } from './projection-snapshot';

export interface RebuildReport {
  /** Events folded into the projections (those after the snapshot, when there is one). */
  events: number;
  memberships: number;
  objectTypes: number;
  /** Workspaces known by the workspace-name projection. */
  workspaces: number;
  /** The position of the snapshot retention took before its last purge, when the rebuild started from one. */
  fromSnapshot?: { xactId: string; seq: string };
}

/**
 * Rebuilds the read model and every projection from the event store with the projector's own
 * steps, in one transaction that holds the projector's lock: readers of the read model and the
 * projections wait until it commits (TRUNCATE), and never see a half rebuilt state. Events
 * committed after it began are projected by the running projector afterwards.
 *
 * Retention purges old events, but not their effect: it snapshots the projections first. The
 * rebuild starts from that snapshot, copies the events it covers into the read model as they
 * are, and folds only the events after it; without a snapshot it folds the trail from the start.
 */
export async function rebuildProjections(client: SqlSession, { chunkSize = 10_000 } = {}): Promise<RebuildReport> {
  return inTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PROJECTOR_LOCK]);
    await client.query(
      `TRUNCATE audit_event_search, workspace_memberships, live_objects, object_counts,
         workspace_names, workspace_name_history`,
    );
    const snapshot = await restoreProjectionSnapshot(client);
    const start = snapshot ?? { xactId: '0', seq: '0' };
    if (snapshot)
      await client.query(
        `INSERT INTO audit_event_search (${SEARCH_COLUMNS}) SELECT ${SEARCH_COLUMNS} FROM audit_events
         WHERE (xact_id, seq) <= ($1::xid8, $2::bigint)`,
        [snapshot.xactId, snapshot.seq],
      );
    await client.query(
      `UPDATE projection_positions SET xact_id = $2::xid8, seq = $3::bigint, projected_at = now() WHERE projection = $1`,
      [TRAIL_PROJECTION, start.xactId, start.seq],
    );
    await client.query(`SET LOCAL ROLE ${INGEST_ROLE}`);
    let events = 0;
    for (;;) {
      const step = await projectNext(client, chunkSize);
      if (step.projected === 0) break;
      events += step.projected;
    }
    const [{ memberships, types, workspaces }] = (
      await client.query<{ memberships: string; types: string; workspaces: string }>(
        `SELECT (SELECT count(*) FROM workspace_memberships)::text AS memberships,
                (SELECT count(*) FROM object_counts)::text AS types,
                (SELECT count(*) FROM workspace_names)::text AS workspaces`,
      )
    ).rows;
    return {
      events,
      memberships: Number(memberships),
      objectTypes: Number(types),
      workspaces: Number(workspaces),
      ...(snapshot ? { fromSnapshot: snapshot } : {}),
    };
  });
}
