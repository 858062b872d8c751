import type { SqlSession } from '@meshtrail/database';
import type { Checkpoint, PurgeRecord, SignedCheckpoint } from './checkpoint';
import type { TrailPosition } from '@meshtrail/audit-store';

/** Text casts keep the column names: ORDER BY must name the table's columns (c.number), not these texts. */
const HEAD_COLUMNS = `number::text, kind, after_xact_id::text, after_seq::text, first_xact_id::text, first_seq::text,
  last_xact_id::text, last_seq::text, event_count, root, previous, sealed_at, key_id, purge, signature`;
const COLUMNS = `${HEAD_COLUMNS}, leaves`;

interface CheckpointRow {
  number: string;
  kind: 'events' | 'purge';
  after_xact_id: string;
  after_seq: string;
  first_xact_id: string | null;
  first_seq: string | null;
  last_xact_id: string;
  last_seq: string;
  event_count: number;
  root: string;
  previous: string | null;
  sealed_at: string;
  key_id: string;
  purge: PurgeRecord | null;
  signature: string;
  leaves: Buffer;
}

/** A checkpoint's signed fields and signature, without its leaf list (up to 56 bytes an event). */
export type CheckpointHead = Checkpoint & { signature: string };

function fromRow(row: CheckpointRow): SignedCheckpoint {
  return { ...headOf(row), leaves: row.leaves.toString('base64') };
}

function headOf(row: Omit<CheckpointRow, 'leaves'>): CheckpointHead {
  return {
    number: Number(row.number),
    kind: row.kind,
    after: { xactId: row.after_xact_id, seq: row.after_seq },
    first: row.first_xact_id === null ? null : { xactId: row.first_xact_id, seq: row.first_seq! },
    last: { xactId: row.last_xact_id, seq: row.last_seq },
    count: row.event_count,
    root: row.root,
    previous: row.previous,
    sealedAt: row.sealed_at,
    keyId: row.key_id,
    purge: row.purge,
    signature: row.signature,
  };
}

export async function insertCheckpoint(session: SqlSession, checkpoint: SignedCheckpoint): Promise<void> {
  await session.query(
    `INSERT INTO audit_checkpoints (number, kind, after_xact_id, after_seq, first_xact_id, first_seq, last_xact_id,
       last_seq, event_count, root, previous, sealed_at, key_id, purge, signature, leaves)
     VALUES ($1, $2, $3::xid8, $4, $5::xid8, $6, $7::xid8, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      checkpoint.number,
      checkpoint.kind,
      checkpoint.after.xactId,
      checkpoint.after.seq,
      checkpoint.first?.xactId ?? null,
      checkpoint.first?.seq ?? null,
      checkpoint.last.xactId,
      checkpoint.last.seq,
      checkpoint.count,
      checkpoint.root,
      checkpoint.previous,
      checkpoint.sealedAt,
      checkpoint.keyId,
      checkpoint.purge === null ? null : JSON.stringify(checkpoint.purge),
      checkpoint.signature,
      Buffer.from(checkpoint.leaves, 'base64'),
    ],
  );
}

export async function lastCheckpoint(session: SqlSession): Promise<SignedCheckpoint | undefined> {
  const { rows } = await session.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM audit_checkpoints c ORDER BY c.number DESC LIMIT 1`,
  );
  return rows[0] && fromRow(rows[0]);
}

/** Checkpoints numbered after `after`, in order, at most `limit`. */
export async function readCheckpoints(session: SqlSession, after: number, limit: number): Promise<SignedCheckpoint[]> {
  const { rows } = await session.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM audit_checkpoints c WHERE c.number > $1 ORDER BY c.number LIMIT $2`,
    [after, limit],
  );
  return rows.map(fromRow);
}

const COVERING = `FROM audit_checkpoints c
     WHERE c.kind = 'events' AND (c.last_xact_id, c.last_seq) >= ($1::xid8, $2::bigint)
       AND (c.after_xact_id, c.after_seq) < ($1::xid8, $2::bigint)
     ORDER BY c.last_xact_id, c.last_seq LIMIT 1`;

/** The events checkpoint whose range (after, last] holds a position, if one has sealed it. */
export async function checkpointCovering(
  session: SqlSession,
  position: TrailPosition,
): Promise<SignedCheckpoint | undefined> {
  const { rows } = await session.query<CheckpointRow>(`SELECT ${COLUMNS} ${COVERING}`, [position.xactId, position.seq]);
  return rows[0] && fromRow(rows[0]);
}

/** checkpointCovering without the leaf list: for a reader that may already hold it. */
export async function checkpointHeadCovering(
  session: SqlSession,
  position: TrailPosition,
): Promise<CheckpointHead | undefined> {
  const { rows } = await session.query<Omit<CheckpointRow, 'leaves'>>(`SELECT ${HEAD_COLUMNS} ${COVERING}`, [
    position.xactId,
    position.seq,
  ]);
  return rows[0] && headOf(rows[0]);
}

/** One checkpoint by its number, with its leaf list. */
export async function readCheckpoint(session: SqlSession, number: number): Promise<SignedCheckpoint | undefined> {
  const { rows } = await session.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM audit_checkpoints c WHERE c.number = $1`,
    [number],
  );
  return rows[0] && fromRow(rows[0]);
}

/**
 * A page of checkpoints without their leaf lists: newest first (numbers below `cursor`) or oldest
 * first (numbers above it), at most `limit`.
 */
export async function readCheckpointHeads(
  session: SqlSession,
  order: 'asc' | 'desc',
  cursor: number | undefined,
  limit: number,
): Promise<CheckpointHead[]> {
  const [compare, direction] = order === 'asc' ? ['>', 'ASC'] : ['<', 'DESC'];
  const { rows } = await session.query<Omit<CheckpointRow, 'leaves'>>(
    `SELECT ${HEAD_COLUMNS} FROM audit_checkpoints c
     WHERE $1::bigint IS NULL OR c.number ${compare} $1::bigint ORDER BY c.number ${direction} LIMIT $2`,
    [cursor ?? null, limit],
  );
  return rows.map(headOf);
}
