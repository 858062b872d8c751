import { safeText, sha256Hex, truncateUtf8, type DeadLetter } from '@meshtrail/kafka';
import { DEAD_LETTER_BOUNDS } from '@meshtrail/contracts';
import type { DeadLetterFilters } from './dead-letter-filters';
import type { SqlQueries } from '@meshtrail/database';

/** One stored dead letter, without its original key and value. */
export interface DeadLetterSummary {
  id: string;
  source: { topic: string; partition: number; offset: string; timestamp: string | null };
  reason: string;
  message: string;
  headers: Record<string, string | null>;
  keySize: number;
  valueSize: number;
  valueSha256: string | null;
  deadLetteredAt: string;
  replayedAt: string | null;
  replayedBy: string | null;
  replayCount: number;
}

/** One stored dead letter, whole. */
export interface StoredDeadLetterRow extends DeadLetterSummary {
  key: Buffer | null;
  value: Buffer | null;
}

interface Row {
  id: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  source_timestamp: Date | null;
  reason: string;
  message: string;
  headers: Record<string, string | null>;
  key_size: number;
  value_size: number;
  value_sha256: string | null;
  dead_lettered_at: Date;
  replayed_at: Date | null;
  replayed_by: string | null;
  replay_count: number;
  key?: Buffer | null;
  value?: Buffer | null;
}

// id is selected as text (a bigint past 2^53 would lose digits in JS): ORDER BY must name the
// table's column, dead_letters.id, or it sorts the text ("9" after "10")
const SUMMARY_COLUMNS = `id::text, source_topic, source_partition, source_offset::text, source_timestamp, reason,
  message, headers, coalesce(octet_length(key), 0) AS key_size, value_size, value_sha256, dead_lettered_at,
  replayed_at, replayed_by, replay_count`;

function summaryOf(row: Row): DeadLetterSummary {
  return {
    id: row.id,
    source: {
      topic: row.source_topic,
      partition: row.source_partition,
      offset: row.source_offset,
      timestamp: row.source_timestamp?.toISOString() ?? null,
    },
    reason: row.reason,
    message: row.message,
    headers: row.headers,
    keySize: row.key_size,
    valueSize: row.value_size,
    valueSha256: row.value_sha256,
    deadLetteredAt: row.dead_lettered_at.toISOString(),
    replayedAt: row.replayed_at?.toISOString() ?? null,
    replayedBy: row.replayed_by,
    replayCount: row.replay_count,
  };
}

function wholeOf(row: Row): StoredDeadLetterRow {
  return { ...summaryOf(row), key: row.key ?? null, value: row.value ?? null };
}

/** The Kafka timestamp (ms since the epoch, as a string) as a time, when it is one. */
function sourceTime(timestamp: string): Date | null {
  const ms = Number(timestamp);
  return /^\d{1,15}$/.test(timestamp) && Number.isFinite(ms) ? new Date(ms) : null;
}

/**
 * Stores a dead letter whole, once: a redelivered batch finds the row of its first delivery
 * (same source topic, partition, offset and reason) and gets its id back.
 */
export async function insertDeadLetter(
  sql: SqlQueries,
  letter: DeadLetter,
  at: Date,
): Promise<{ id: string; inserted: boolean }> {
  const { record } = letter;
  const headers = Object.fromEntries(
    Object.entries(record.headers).map(([name, value]) => [
      safeText(name),
      value === undefined ? null : safeText(value),
    ]),
  );
  const params = [
    record.topic,
    record.partition,
    record.offset,
    sourceTime(record.timestamp),
    truncateUtf8(letter.reason, DEAD_LETTER_BOUNDS.reasonBytes).text || 'UNKNOWN',
    truncateUtf8(letter.message, DEAD_LETTER_BOUNDS.messageBytes).text,
    record.key,
    JSON.stringify(headers),
    record.value,
    record.value?.length ?? 0,
    record.value === null ? null : sha256Hex(record.value),
    at,
  ];
  const rows = await sql.query<{ id: string; inserted: boolean }>(
    `WITH inserted AS (
       INSERT INTO dead_letters (source_topic, source_partition, source_offset, source_timestamp, reason, message,
                                 key, headers, value, value_size, value_sha256, dead_lettered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12)
       ON CONFLICT (source_topic, source_partition, source_offset, reason, value_sha256) DO NOTHING
       RETURNING id)
     SELECT id::text, true AS inserted FROM inserted`,
    params,
  );
  if (rows.length > 0) return rows[0];
  // stored before (this statement's snapshot may predate a concurrent insert: look again)
  const existing = await sql.query<{ id: string }>(
    `SELECT id::text FROM dead_letters
      WHERE source_topic = $1 AND source_partition = $2 AND source_offset = $3 AND reason = $4
        AND value_sha256 IS NOT DISTINCT FROM $5`,
    [params[0], params[1], params[2], params[4], params[10]],
  );
  if (existing.length === 0) throw new Error('dead letter neither inserted nor found');
  return { id: existing[0].id, inserted: false };
}

/** WHERE clause and parameters for the filters (every value a parameter). */
function where(filters: DeadLetterFilters, params: unknown[]): string[] {
  const conditions: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filters.topic !== undefined) conditions.push(`source_topic = ${param(filters.topic)}`);
  if (filters.reason !== undefined) conditions.push(`reason = ${param(filters.reason)}`);
  if (filters.since !== undefined) conditions.push(`dead_lettered_at >= ${param(filters.since)}`);
  if (filters.until !== undefined) conditions.push(`dead_lettered_at < ${param(filters.until)}`);
  if (filters.ids !== undefined) conditions.push(`id = ANY(${param(filters.ids)}::bigint[])`);
  if (filters.replayed !== undefined) conditions.push(`(replayed_at IS NOT NULL) = ${param(filters.replayed)}`);
  return conditions;
}

export interface DeadLetterPage {
  deadLetters: DeadLetterSummary[];
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: string | null;
}

/** Dead letters matching the filters, newest first, `limit` at a time; `cursor` continues a listing. */
export async function listDeadLetters(
  sql: SqlQueries,
  filters: DeadLetterFilters,
  page: { limit: number; cursor?: string },
): Promise<DeadLetterPage> {
  const params: unknown[] = [];
  const conditions = where(filters, params);
  if (page.cursor !== undefined) {
    params.push(page.cursor);
    conditions.push(`id < $${params.length}`);
  }
  params.push(page.limit + 1);
  const rows = await sql.query<Row>(
    `SELECT ${SUMMARY_COLUMNS} FROM dead_letters
      ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY dead_letters.id DESC LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit).map(summaryOf);
  return { deadLetters: shown, nextCursor: more ? shown[shown.length - 1].id : null };
}

/** One dead letter, whole (original key and value included), or undefined. */
export async function getDeadLetter(sql: SqlQueries, id: string): Promise<StoredDeadLetterRow | undefined> {
  const rows = await sql.query<Row>(`SELECT ${SUMMARY_COLUMNS}, key, value FROM dead_letters WHERE id = $1`, [id]);
  return rows[0] ? wholeOf(rows[0]) : undefined;
}

/** Whole dead letters matching the filters, oldest first, after `afterId`, `limit` at a time (for replay). */
export async function readDeadLetters(
  sql: SqlQueries,
  filters: DeadLetterFilters,
  afterId: string,
  limit: number,
): Promise<StoredDeadLetterRow[]> {
  const params: unknown[] = [];
  const conditions = where(filters, params);
  params.push(afterId);
  conditions.push(`id > $${params.length}`);
  params.push(limit);
  const rows = await sql.query<Row>(
    `SELECT ${SUMMARY_COLUMNS}, key, value FROM dead_letters WHERE ${conditions.join(' AND ')}
      ORDER BY dead_letters.id LIMIT $${params.length}`,
    params,
  );
  return rows.map(wholeOf);
}

/** How many dead letters match the filters. */
export async function countDeadLetters(sql: SqlQueries, filters: DeadLetterFilters): Promise<number> {
  const params: unknown[] = [];
  const conditions = where(filters, params);
  const rows = await sql.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM dead_letters ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}`,
    params,
  );
  return Number(rows[0].n);
}

/** Why a dead letter id names nothing, as the CLI and the API say it. */
export const DEAD_LETTER_GONE =
  'never stored, or deleted since: retention deletes dead letters older than RETENTION_DEAD_LETTERS_MONTHS';

/** Of the given ids, those no dead letter has (never stored, or deleted since: by retention, by hand). */
export async function missingDeadLetters(sql: SqlQueries, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{ id: string }>(
    `SELECT n.id FROM unnest($1::text[]) AS n(id)
      WHERE NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.id = n.id::bigint) ORDER BY n.id::bigint`,
    [[...new Set(ids)]],
  );
  return rows.map((row) => row.id);
}

/** Records that the dead letters were replayed, by whom and when. */
export async function markReplayed(sql: SqlQueries, ids: string[], by: string, at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await sql.query<{ id: string }>(
    `UPDATE dead_letters SET replayed_at = $2, replayed_by = $3, replay_count = replay_count + 1
      WHERE id = ANY($1::bigint[]) RETURNING id::text`,
    [ids, at, by],
  );
  return rows.length;
}
