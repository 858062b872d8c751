import { inTransaction, type SqlSession } from '@meshtrail/database';
import type { TrailPosition } from '../trail-position';
import { PROJECTOR_LOCK, TRAIL_PROJECTION } from './project-trail';

export interface ProjectionSnapshot {
  position: TrailPosition;
  takenAt: Date;
  memberships: number;
  objects: number;
}

/**
 * Keeps the projections' state and the position it holds, replacing the previous snapshot, in
 * one transaction under the projector's lock (the projector waits: the copy is consistent with
 * the position). Retention takes it before it purges audit events: every purged event is behind
 * the position, so its effect on memberships, counts and workspace names is in the snapshot.
 */
export async function snapshotProjections(client: SqlSession): Promise<ProjectionSnapshot> {
  return inTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PROJECTOR_LOCK]);
    await client.query(
      `TRUNCATE projection_snapshot_memberships, projection_snapshot_live_objects,
         projection_snapshot_workspace_names, projection_snapshot_workspace_name_history`,
    );
    const memberships = await client.query(
      'INSERT INTO projection_snapshot_memberships SELECT * FROM workspace_memberships',
    );
    const objects = await client.query('INSERT INTO projection_snapshot_live_objects SELECT * FROM live_objects');
    await client.query('INSERT INTO projection_snapshot_workspace_names SELECT * FROM workspace_names');
    await client.query('INSERT INTO projection_snapshot_workspace_name_history SELECT * FROM workspace_name_history');
    const { rows } = await client.query<{ xact_id: string; seq: string; taken_at: Date }>(
      `INSERT INTO projection_snapshots (projection, xact_id, seq, taken_at, memberships, objects)
       SELECT projection, xact_id, seq, now(), $2, $3 FROM projection_positions WHERE projection = $1
       ON CONFLICT (projection) DO UPDATE SET xact_id = excluded.xact_id, seq = excluded.seq,
         taken_at = excluded.taken_at, memberships = excluded.memberships, objects = excluded.objects
       RETURNING xact_id::text, seq::text, taken_at`,
      [TRAIL_PROJECTION, memberships.rowCount ?? 0, objects.rowCount ?? 0],
    );
    if (rows.length === 0)
      throw new Error(`projection_positions has no row for ${TRAIL_PROJECTION}: run the migrations`);
    return {
      position: { xactId: rows[0].xact_id, seq: rows[0].seq },
      takenAt: rows[0].taken_at,
      memberships: memberships.rowCount ?? 0,
      objects: objects.rowCount ?? 0,
    };
  });
}

/**
 * Inside a rebuild's transaction, after the projections were emptied: puts the snapshot back
 * (object counts recounted from the live objects) and returns the position it holds, or
 * undefined when retention never took one (the rebuild then starts from the first event).
 */
export async function restoreProjectionSnapshot(client: SqlSession): Promise<TrailPosition | undefined> {
  const { rows } = await client.query<{ xact_id: string; seq: string }>(
    'SELECT xact_id::text, seq::text FROM projection_snapshots WHERE projection = $1',
    [TRAIL_PROJECTION],
  );
  if (rows.length === 0) return undefined;
  await client.query('INSERT INTO workspace_memberships SELECT * FROM projection_snapshot_memberships');
  await client.query('INSERT INTO live_objects SELECT * FROM projection_snapshot_live_objects');
  await client.query('INSERT INTO workspace_names SELECT * FROM projection_snapshot_workspace_names');
  await client.query('INSERT INTO workspace_name_history SELECT * FROM projection_snapshot_workspace_name_history');
  await client.query(
    'INSERT INTO object_counts (object_type, count) SELECT object_type, count(*) FROM live_objects GROUP BY object_type',
  );
  return { xactId: rows[0].xact_id, seq: rows[0].seq };
}
