import { inTransaction, type SqlSession } from '@meshtrail/database';
import { INGEST_ROLE } from '../sql-client';
import { PROJECTOR_LOCK, TRAIL_PROJECTION, projectNext } from './project-trail';

export interface RebuildReport {
  events: number;
  memberships: number;
  objectTypes: number;
}

/**
 * Rebuilds the read model and every projection from the event store with the projector's own
 * steps, from the start of the trail, in one transaction that holds the projector's lock: readers
 * of the read model and the projections wait until it commits (TRUNCATE), and never see a half
 * rebuilt state. Events committed after it began are projected by the running projector afterwards.
 */
export async function rebuildProjections(client: SqlSession, { chunkSize = 10_000 } = {}): Promise<RebuildReport> {
  return inTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PROJECTOR_LOCK]);
    await client.query('TRUNCATE audit_event_search, workspace_memberships, live_objects, object_counts');
    await client.query(
      `UPDATE projection_positions SET xact_id = '0', seq = 0, projected_at = now() WHERE projection = $1`,
      [TRAIL_PROJECTION],
    );
    await client.query(`SET LOCAL ROLE ${INGEST_ROLE}`);
    let events = 0;
    for (;;) {
      const step = await projectNext(client, chunkSize);
      if (step.projected === 0) break;
      events += step.projected;
    }
    const [{ memberships, types }] = (
      await client.query<{ memberships: string; types: string }>(
        `SELECT (SELECT count(*) FROM workspace_memberships)::text AS memberships,
                (SELECT count(*) FROM object_counts)::text AS types`,
      )
    ).rows;
    return { events, memberships: Number(memberships), objectTypes: Number(types) };
  });
}
