/**
 * One API request, as every meshtrail HTTP service publishes it to `access-logs.v1`
 * (key: the service name). Plain, read-only data; JSON on the wire.
 */
export interface AccessLogRecord {
  /** UUID generated when the request was captured; with `time`, the idempotency key of the store. */
  readonly id: string;
  /** When the request arrived: ISO 8601 in UTC with milliseconds. */
  readonly time: string;
  /** The service that answered it (`gateway`, `access-log`, ...). */
  readonly service: string;
  /** The host (pod) that answered it. */
  readonly host: string;
  /** The client's address: the peer, or X-Forwarded-For as far as trusted proxies vouch for it. */
  readonly remoteIp: string;
  /** HTTP status sent; 499 when the client went away before the response was complete. */
  readonly status: number;
  readonly method: string;
  /** Path and query string as requested, values of secret query parameters replaced by `***`. */
  readonly path: string;
  /** Display name of the authenticated user or API key; null when anonymous. */
  readonly principal: string | null;
  readonly userAgent: string | null;
  readonly accept: string | null;
  /** From the request's arrival to the last byte of the response, rounded to whole milliseconds. */
  readonly durationMs: number;
  /** The access line exactly as the service wrote it on stdout. */
  readonly line: string;
}

export type AccessLogRecordCheck = { ok: true; record: AccessLogRecord } | { ok: false; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
/** Bounds that keep a record storable and searchable; the HTTP layer's own header limits are far lower. */
const MAX_TEXT = 65_536;
/** The access line is escaped by construction: a control character or line separator in it means forgery. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const LINE_BREAKING = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;

type Field = keyof AccessLogRecord;
const TEXT_FIELDS: Field[] = ['service', 'host', 'remoteIp', 'method', 'path', 'line'];
const NULLABLE_TEXT_FIELDS: Field[] = ['principal', 'userAgent', 'accept'];

/**
 * Validates a decoded `access-logs.v1` value. Every consumer calls it before trusting a record,
 * because anyone with write access to the topic can put anything there.
 */
export function checkAccessLogRecord(value: unknown): AccessLogRecordCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'ACCESS_LOG.NOT_AN_OBJECT' };
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof record.id !== 'string' || !UUID.test(record.id)) problems.push('id must be a UUID');
  if (typeof record.time !== 'string' || !ISO_UTC.test(record.time) || Number.isNaN(Date.parse(record.time))) {
    problems.push('time must be an ISO 8601 UTC timestamp');
  }
  for (const field of TEXT_FIELDS) {
    const text = record[field];
    if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT) {
      problems.push(`${field} must be a non-empty string of at most ${MAX_TEXT} characters`);
    }
  }
  for (const field of NULLABLE_TEXT_FIELDS) {
    const text = record[field];
    if (text !== null && (typeof text !== 'string' || text.length > MAX_TEXT)) {
      problems.push(`${field} must be null or a string of at most ${MAX_TEXT} characters`);
    }
  }
  if (typeof record.line === 'string' && LINE_BREAKING.test(record.line)) {
    problems.push('line must not contain control characters or line breaks');
  }
  if (!Number.isInteger(record.status) || (record.status as number) < 100 || (record.status as number) > 599) {
    problems.push('status must be an integer from 100 to 599');
  }
  if (!Number.isInteger(record.durationMs) || (record.durationMs as number) < 0) {
    problems.push('durationMs must be a non-negative integer');
  }
  if (problems.length > 0) return { ok: false, reason: `ACCESS_LOG.INVALID: ${problems.join('; ')}` };
  return { ok: true, record: record as unknown as AccessLogRecord };
}

/** Decodes and validates a record's bytes; the reason names what was wrong. */
export function decodeAccessLogRecord(bytes: Buffer | null): AccessLogRecordCheck {
  if (!bytes || bytes.length === 0) return { ok: false, reason: 'ACCESS_LOG.EMPTY' };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `ACCESS_LOG.NOT_JSON: ${(error as Error).message}` };
  }
  return checkAccessLogRecord(value);
}
