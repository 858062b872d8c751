import { invalidParameter } from '../common/invalid-parameter';

/** The filters of a page of the transmission log; times are [from, to). */
export interface TransmissionFilter {
  category?: string;
  result?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Continue after this row (newest first): its sent_at in microseconds since 1970 and its id. */
  after?: TransmissionPosition;
}

export interface TransmissionPosition {
  sentUs: string;
  id: string;
}

/** The end of year 9999 in microseconds, and PostgreSQL's bigint: no stored row lies beyond. */
const LAST_MICROS = 253_402_300_799_999_999n;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** The keyset cursor: where the previous page ended, opaque to clients (base64url). */
export function encodeTransmissionCursor(position: TransmissionPosition): string {
  return Buffer.from(`${position.sentUs}.${position.id}`, 'utf8').toString('base64url');
}

export function decodeTransmissionCursor(cursor: string): TransmissionPosition {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^(\d{1,18})\.(\d{1,19})$/.exec(text);
  if (!match || BigInt(match[1]) > LAST_MICROS || BigInt(match[2]) > MAX_BIGINT) {
    throw invalidParameter('cursor', 'is not a cursor returned by this API');
  }
  return { sentUs: match[1], id: match[2] };
}

/** One page, newest first (the primary key's order), one row more than asked for: another page follows. */
export function transmissionPageSql(filter: TransmissionFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const add = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (filter.category !== undefined) where.push(`category = ${add(filter.category)}`);
  if (filter.result !== undefined) where.push(`result = ${add(filter.result)}`);
  if (filter.from) where.push(`sent_at >= ${add(filter.from)}`);
  if (filter.to) where.push(`sent_at < ${add(filter.to)}`);
  if (filter.after) {
    const at = `('epoch'::timestamptz + ${add(filter.after.sentUs)}::bigint * interval '1 microsecond')`;
    // the plain bound lets the planner skip newer partitions; the row comparison is the keyset
    where.push(`sent_at <= ${at}`, `(sent_at, id) < (${at}, ${add(filter.after.id)}::bigint)`);
  }
  const sql = `SELECT to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
  (extract(epoch FROM sent_at) * 1000000)::bigint::text AS sent_us, id::text AS id,
  category, destination, items, bytes, result, status_code, error, duration_ms
FROM telemetry_transmissions
${where.length ? `WHERE ${where.join(' AND ')}\n` : ''}ORDER BY sent_at DESC, id DESC
LIMIT ${add(filter.limit + 1)}`;
  return { sql, params };
}
