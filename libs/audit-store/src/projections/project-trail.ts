import { isAccessGrantsTopic } from '@meshtrail/contracts';
import { inTransaction, type SqlSession } from '@meshtrail/database';
import { INGEST_ROLE } from '../sql-client';
import { AUDIT_EVENT_COLUMNS } from '../stored-audit-event';
import { applyProjectionDelta, type ObjectCount } from './apply-projection-delta';
import { CHANGES_PROJECTIONS_SQL, foldEvents } from './projection-delta';
import type { TrailPosition } from '../trail-position';

/** The row of projection_positions that records how far the trail has been projected. */
export const TRAIL_PROJECTION = 'audit_events';

/** Held (transaction-scoped) by whoever projects or rebuilds: one projector at a time. */
export const PROJECTOR_LOCK = 7_281_930_004;

/**
 * The read model's columns: every column of audit_events the query API shows (all but the raw
 * event and where it was read from), and the commit position.
 */
export const SEARCH_COLUMNS = [
  'xact_id',
  'ingested_at',
  ...AUDIT_EVENT_COLUMNS.filter((column) => column !== 'event' && !column.startsWith('kafka_')),
].join(', ');

/** Events whose changes the projections read (memberships); the others' changes stay in the database. */
const MEMBERSHIP_TYPES = ['WorkspaceAccess', 'User', 'Workspace'];

export interface ProjectionStep {
  /** Events projected by this step. */
  projected: number;
  /** False when another projector held the lock: nothing was read. */
  ran: boolean;
  /** Where the projection stands after the step. */
  position: TrailPosition;
  /** Object counts the step changed. */
  objectCounts: ObjectCount[];
}

/**
 * Projects the next committed events of the trail, at most `batchSize`, in commit order: copies
 * them into the read model (audit_event_search) and folds them into the memberships, object and
 * workspace-name projections, and moves the recorded position, all in one transaction (so each event is
 * projected exactly once). Only rows below the oldest transaction still in flight are read:
 * a writer that committed late cannot be skipped (see the lean-append-path migration).
 */
export async function projectTrail(client: SqlSession, batchSize = 5000): Promise<ProjectionStep> {
  return inTransaction(client, async () => {
    const [{ locked }] = (
      await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [PROJECTOR_LOCK])
    ).rows;
    if (!locked) return { projected: 0, ran: false, position: await readPosition(client), objectCounts: [] };
    await client.query(`SET LOCAL ROLE ${INGEST_ROLE}`);
    return { ran: true, ...(await projectNext(client, batchSize)) };
  });
}

/** One step of projectTrail inside the caller's transaction, which holds PROJECTOR_LOCK. */
export async function projectNext(client: SqlSession, batchSize: number): Promise<Omit<ProjectionStep, 'ran'>> {
  const position = await readPosition(client);
  // every row of the step goes into the read model; only those the fold reads come back (and, last,
  // the step's end position and size): most events are updates of ordinary objects
  const { rows } = await client.query<{
    last: boolean;
    seq: string;
    xact_id: string;
    occurred_at: Date;
    object_type: string;
    object_id: string;
    action: string;
    workspace: string | null;
    changes: Array<{ field: string; from?: unknown; to?: unknown }> | null;
    object_name: string | null;
    kafka_topic: string;
    projected: number | null;
  }>(
    // the topic stays out of the read model; the fold needs it to tell authorised grants apart
    `WITH next AS (
       SELECT ${SEARCH_COLUMNS}, kafka_topic FROM audit_events
       WHERE (xact_id, seq) > ($1::xid8, $2::bigint) AND xact_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY xact_id, seq
       LIMIT $3),
     copied AS (INSERT INTO audit_event_search (${SEARCH_COLUMNS}) SELECT ${SEARCH_COLUMNS} FROM next RETURNING 1),
     step_end AS (SELECT xact_id, seq FROM next ORDER BY xact_id DESC, seq DESC LIMIT 1)
     SELECT false AS last, seq, xact_id, occurred_at, object_type, object_id, action, workspace,
            CASE WHEN object_type = ANY($4::text[]) THEN changes END AS changes,
            CASE WHEN object_type = 'Workspace' THEN object_name END AS object_name, kafka_topic,
            NULL::int AS projected
     FROM next WHERE ${CHANGES_PROJECTIONS_SQL}
     UNION ALL
     SELECT true, seq, xact_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, (SELECT count(*) FROM copied)::int
     FROM step_end
     ORDER BY last, xact_id, seq`,
    [position.xactId, position.seq, Math.max(1, Math.floor(batchSize)), MEMBERSHIP_TYPES],
  );
  const end = rows.pop();
  if (!end) return { projected: 0, position, objectCounts: [] };
  if (!end.last || end.projected === null)
    throw new Error('a projection step read no end position: its query is broken');
  const objectCounts = await applyProjectionDelta(
    client,
    foldEvents(
      rows.map((row) => ({
        seq: Number(row.seq),
        occurredAt: row.occurred_at,
        objectType: row.object_type,
        objectId: row.object_id,
        action: row.action,
        workspace: row.workspace,
        objectName: row.object_name,
        changes: row.changes,
        fromGrantsTopic: isAccessGrantsTopic(row.kafka_topic),
      })),
    ),
  );
  const next = { xactId: end.xact_id, seq: end.seq };
  await client.query(
    `UPDATE projection_positions SET xact_id = $2::xid8, seq = $3::bigint, projected_at = now() WHERE projection = $1`,
    [TRAIL_PROJECTION, next.xactId, next.seq],
  );
  return { projected: end.projected, position: next, objectCounts };
}

/**
 * Projects until nothing committed is left behind the position, or until `deadline` (epoch ms):
 * for tools and tests that store events and then read them. Returns the events projected.
 */
export async function projectTrailUntilCaughtUp(client: SqlSession, deadline = Date.now() + 30_000): Promise<number> {
  let projected = 0;
  for (;;) {
    const step = await projectTrail(client);
    projected += step.projected;
    if (step.ran && step.projected === 0 && !(await hasUnprojected(client, step.position))) return projected;
    if (Date.now() > deadline) throw new Error('the trail projection did not catch up before the deadline');
    if (step.projected === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function hasUnprojected(client: SqlSession, position: TrailPosition): Promise<boolean> {
  const { rows } = await client.query<{ behind: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM audit_events WHERE (xact_id, seq) > ($1::xid8, $2::bigint)) AS behind`,
    [position.xactId, position.seq],
  );
  return rows[0].behind;
}

export async function readPosition(client: SqlSession): Promise<TrailPosition> {
  const { rows } = await client.query<{ xact_id: string; seq: string }>(
    'SELECT xact_id::text, seq::text FROM projection_positions WHERE projection = $1',
    [TRAIL_PROJECTION],
  );
  if (rows.length === 0) throw new Error(`projection_positions has no row for ${TRAIL_PROJECTION}: run the migrations`);
  return { xactId: rows[0].xact_id, seq: rows[0].seq };
}
