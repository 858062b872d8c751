import type { SqlSession } from '@meshtrail/database';
import { workspaceNameKey, type ProjectionDelta } from './projection-delta';

export interface ObjectCount {
  objectType: string;
  count: number;
}

/**
 * Writes a delta into the projections with a handful of set-based statements, inside the
 * caller's transaction, after every earlier delta. Returns the object counts it changed.
 */
export async function applyProjectionDelta(client: SqlSession, delta: ProjectionDelta): Promise<ObjectCount[]> {
  for (const [deleted, column] of [
    [delta.usersDeleted, 'user_id'],
    [delta.workspacesDeleted, 'workspace'],
  ] as const) {
    if (deleted.size === 0) continue;
    // every membership in the table was folded before this delta (projections fold in commit order)
    await client.query(`DELETE FROM workspace_memberships WHERE ${column} = ANY($1::text[])`, [[...deleted.keys()]]);
  }
  if (delta.revokes.size > 0) {
    const revokes = [...delta.revokes.values()];
    await client.query(
      `DELETE FROM workspace_memberships m USING unnest($1::text[], $2::text[], $3::text[]) AS d(workspace, user_id, role)
       WHERE m.workspace = d.workspace AND m.user_id = d.user_id AND m.role = d.role`,
      [revokes.map((r) => r.workspace), revokes.map((r) => r.userId), revokes.map((r) => r.role)],
    );
  }
  if (delta.grants.size > 0) {
    const grants = [...delta.grants.values()];
    await client.query(
      `INSERT INTO workspace_memberships (workspace, user_id, role, since, granted_seq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[])
       ON CONFLICT (workspace, user_id, role) DO UPDATE SET since = excluded.since, granted_seq = excluded.granted_seq`,
      [
        grants.map((g) => g.workspace),
        grants.map((g) => g.userId),
        grants.map((g) => g.role),
        grants.map((g) => g.since),
        grants.map((g) => g.grantedSeq),
      ],
    );
  }
  await applyWorkspaceNames(client, delta);
  if (delta.objects.size === 0) return [];
  const objects = [...delta.objects.values()];
  const { rows } = await client.query<{ object_type: string; count: string }>(
    `WITH d AS (SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[]) AS d(object_type, object_id, present)),
     added AS (
       INSERT INTO live_objects (object_type, object_id) SELECT object_type, object_id FROM d WHERE present
       ON CONFLICT DO NOTHING RETURNING object_type),
     removed AS (
       DELETE FROM live_objects l USING d
       WHERE NOT d.present AND l.object_type = d.object_type AND l.object_id = d.object_id
       RETURNING l.object_type),
     change AS (
       SELECT object_type, sum(n)::bigint AS n
       FROM (SELECT object_type, 1 AS n FROM added UNION ALL SELECT object_type, -1 FROM removed) x
       GROUP BY object_type)
     INSERT INTO object_counts (object_type, count) SELECT object_type, n FROM change
     ON CONFLICT (object_type) DO UPDATE SET count = object_counts.count + excluded.count
     RETURNING object_type, count::text`,
    [objects.map((o) => o.objectType), objects.map((o) => o.objectId), objects.map((o) => o.exists)],
  );
  const counts = rows.map((row) => ({ objectType: row.object_type, count: Number(row.count) }));
  const emptied = counts.filter((c) => c.count === 0).map((c) => c.objectType);
  // a type with no objects left has no row, however it got there (a rebuild never writes one)
  if (emptied.length > 0) {
    await client.query('DELETE FROM object_counts WHERE object_type = ANY($1::text[]) AND count = 0', [emptied]);
  }
  return counts;
}

/** The workspaces' current names and deletion (workspace_names), and every name they held (workspace_name_history). */
async function applyWorkspaceNames(client: SqlSession, delta: ProjectionDelta): Promise<void> {
  if (delta.workspaces.size > 0) {
    const ids = [...delta.workspaces.keys()];
    const changes = [...delta.workspaces.values()];
    const d = `unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::boolean[])
         AS d(workspace, name, name_key, renamed, deleted)`;
    const values = [
      ids,
      changes.map((c) => c.name),
      changes.map((c) => (c.name === null ? null : workspaceNameKey(c.name))),
      changes.map((c) => c.renamed),
      changes.map((c) => c.deleted),
    ];
    // the workspaces already known, then the new ones (as they are in the delta)
    await client.query(
      `UPDATE workspace_names w SET
         name = CASE WHEN d.renamed THEN d.name ELSE coalesce(w.name, d.name) END,
         name_key = CASE WHEN d.renamed THEN d.name_key ELSE coalesce(w.name_key, d.name_key) END,
         deleted = coalesce(d.deleted, w.deleted)
       FROM ${d} WHERE w.workspace = d.workspace`,
      values,
    );
    await client.query(
      `INSERT INTO workspace_names (workspace, name, name_key, deleted)
       SELECT d.workspace, d.name, d.name_key, coalesce(d.deleted, false) FROM ${d}
       ON CONFLICT (workspace) DO NOTHING`,
      values,
    );
  }
  if (delta.workspaceNamesHeld.size > 0) {
    const held = [...delta.workspaceNamesHeld.values()];
    await client.query(
      `INSERT INTO workspace_name_history (workspace, name_key, name)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (name_key, workspace) DO UPDATE SET name = excluded.name`,
      [held.map((h) => h.workspace), held.map((h) => h.key), held.map((h) => h.name)],
    );
  }
}
