import type { ActorKind } from '@meshtrail/contracts';
import type { SqlSession } from '@meshtrail/database';
import type { HoldActor, LegalHold } from './legal-hold';

interface HoldRow extends Record<string, unknown> {
  id: string;
  workspace: string;
  reason: string;
  placed_by_kind: string;
  placed_by_id: string;
  placed_by_name: string;
  placed_at: Date;
  released_by_kind: string | null;
  released_by_id: string | null;
  released_by_name: string | null;
  released_at: Date | null;
  release_reason: string | null;
}

function toHold(row: HoldRow): LegalHold {
  return {
    id: Number(row.id),
    workspace: row.workspace,
    reason: row.reason,
    placedBy: { kind: row.placed_by_kind as ActorKind, id: row.placed_by_id, name: row.placed_by_name },
    placedAt: row.placed_at,
    ...(row.released_at
      ? {
          releasedAt: row.released_at,
          releasedBy: {
            kind: row.released_by_kind as ActorKind,
            id: row.released_by_id ?? '',
            name: row.released_by_name ?? '',
          },
          releaseReason: row.release_reason ?? '',
        }
      : {}),
  };
}

/** Workspaces under legal hold now. */
export async function activeHoldWorkspaces(sql: SqlSession): Promise<string[]> {
  const { rows } = await sql.query<{ workspace: string }>(
    'SELECT workspace FROM legal_holds WHERE released_at IS NULL ORDER BY workspace',
  );
  return rows.map((row) => row.workspace);
}

/** Holds in force, or every hold ever placed (newest first) with `includeReleased`. */
export async function listHolds(sql: SqlSession, includeReleased = false): Promise<LegalHold[]> {
  const { rows } = await sql.query<HoldRow>(
    `SELECT * FROM legal_holds WHERE $1 OR released_at IS NULL ORDER BY placed_at DESC, id DESC`,
    [includeReleased],
  );
  return rows.map(toHold);
}

export async function activeHold(sql: SqlSession, workspace: string): Promise<LegalHold | undefined> {
  const { rows } = await sql.query<HoldRow>('SELECT * FROM legal_holds WHERE workspace = $1 AND released_at IS NULL', [
    workspace,
  ]);
  return rows[0] ? toHold(rows[0]) : undefined;
}

export async function insertHold(
  sql: SqlSession,
  hold: { workspace: string; reason: string; by: HoldActor; at: Date },
): Promise<LegalHold> {
  const { rows } = await sql.query<HoldRow>(
    `INSERT INTO legal_holds (workspace, reason, placed_by_kind, placed_by_id, placed_by_name, placed_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [hold.workspace, hold.reason, hold.by.kind, hold.by.id, hold.by.name, hold.at],
  );
  return toHold(rows[0]);
}

export async function markReleased(
  sql: SqlSession,
  release: { id: number; reason: string; by: HoldActor; at: Date },
): Promise<LegalHold> {
  const { rows } = await sql.query<HoldRow>(
    `UPDATE legal_holds
        SET released_at = $2, released_by_kind = $3, released_by_id = $4, released_by_name = $5, release_reason = $6
      WHERE id = $1 AND released_at IS NULL RETURNING *`,
    [release.id, release.at, release.by.kind, release.by.id, release.by.name, release.reason],
  );
  return toHold(rows[0]);
}
