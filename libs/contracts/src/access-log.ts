import { INDEXED_TEXT_MAX_BYTES, textProblem } from './storable/storable-text';
import {
  DEFAULT_OLDEST_EVENT_TIME,
  STORABLE_TIME_MAX_MS,
  STORABLE_TIME_MIN_MS,
  parseRfc3339,
  timeWindowProblem,
  type TimeWindow,
} from './storable/storable-time';

/**
 * One API request, as every meshtrail HTTP service publishes it to `access-logs.v1`.
 * Plain, read-only data. On the wire, a record is one line of JSON, and a Kafka message carries
 * one or more of them (NDJSON, UTF-8; see packAccessLogRecords); the message key is the service.
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
/** The access line is escaped by construction: a control character or line separator in it means forgery. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const LINE_BREAKING = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;

type Field = keyof AccessLogRecord;

/**
 * Characters (UTF-16 code units) of each text field: bounds that keep a record storable and
 * searchable. Indexed columns (remote_ip, principal, path) must fit a btree entry; the HTTP
 * layer's own header limits are far lower than the rest.
 */
export const ACCESS_LOG_TEXT_LIMITS: Readonly<Record<string, number>> = {
  service: 64,
  host: 255,
  remoteIp: 64,
  method: 32,
  path: INDEXED_TEXT_MAX_BYTES,
  principal: 512,
  userAgent: 65_536,
  accept: 65_536,
  line: 65_536,
};
/** The largest duration the store's integer column holds (about 24.8 days). */
export const MAX_ACCESS_LOG_DURATION_MS = 2_147_483_647;
/** How far ahead of the consumer's clock a record's time may be (the services' clocks drift). */
export const ACCESS_LOG_MAX_FUTURE_SKEW_MS = 300_000;

const TEXT_FIELDS: Field[] = ['service', 'host', 'remoteIp', 'method', 'path', 'line'];
const NULLABLE_TEXT_FIELDS: Field[] = ['principal', 'userAgent', 'accept'];

/** The clock to judge a record's time by; without it only what PostgreSQL can store is checked. */
export interface AccessLogCheckOptions {
  now: Date;
  /** Default DEFAULT_OLDEST_EVENT_TIME. */
  oldest?: Date;
  /** Default ACCESS_LOG_MAX_FUTURE_SKEW_MS. */
  maxFutureSkewMs?: number;
}

const DEFAULT_OLDEST = new Date(DEFAULT_OLDEST_EVENT_TIME);
const STORABLE_RANGE: TimeWindow = {
  now: new Date(STORABLE_TIME_MAX_MS),
  oldest: new Date(STORABLE_TIME_MIN_MS),
  maxFutureSkewMs: 0,
};

function timeProblem(time: unknown, options: AccessLogCheckOptions | undefined): string | undefined {
  if (typeof time !== 'string' || !ISO_UTC.test(time)) return 'time must be an ISO 8601 UTC timestamp';
  const parsed = parseRfc3339(time);
  if (!parsed.ok) return `time ${parsed.reason}`;
  // toISOString never writes one, and the store reads the time with new Date(), which refuses it
  if (Number.isNaN(Date.parse(time))) return 'time must not be a leap second (23:59:60)';
  const window: TimeWindow = options
    ? {
        now: options.now,
        oldest: options.oldest ?? DEFAULT_OLDEST,
        maxFutureSkewMs: options.maxFutureSkewMs ?? ACCESS_LOG_MAX_FUTURE_SKEW_MS,
      }
    : STORABLE_RANGE;
  const outside = timeWindowProblem(parsed.ms, window);
  return outside && `time ${outside.message}`;
}

function textFieldProblem(field: Field, text: string): string | undefined {
  const max = ACCESS_LOG_TEXT_LIMITS[field];
  if (text.length > max) return `${field} must be at most ${max} characters`;
  const problem = textProblem(text);
  if (problem) return `${field} ${problem}`;
  // the path index holds the whole path: a btree entry has room for INDEXED_TEXT_MAX_BYTES
  if (field === 'path' && Buffer.byteLength(text, 'utf8') > INDEXED_TEXT_MAX_BYTES) {
    return `path must be at most ${INDEXED_TEXT_MAX_BYTES} bytes of UTF-8 (its index holds it whole)`;
  }
  return undefined;
}

/**
 * Validates a decoded `access-logs.v1` value. Every consumer calls it before trusting a record,
 * because anyone with write access to the topic can put anything there. Whatever it accepts,
 * the access-log store can write: text PostgreSQL stores (no NUL, no lone surrogates), sizes
 * its indexes hold, a calendar-valid time in the window, integers that fit their columns. The
 * record returned carries the known fields only.
 */
export function checkAccessLogRecord(value: unknown, options?: AccessLogCheckOptions): AccessLogRecordCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'ACCESS_LOG.NOT_AN_OBJECT' };
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof record.id !== 'string' || !UUID.test(record.id)) problems.push('id must be a UUID');
  const time = timeProblem(record.time, options);
  if (time) problems.push(time);
  for (const field of TEXT_FIELDS) {
    const text = record[field];
    if (typeof text !== 'string' || text.length === 0) {
      problems.push(`${field} must be a non-empty string of at most ${ACCESS_LOG_TEXT_LIMITS[field]} characters`);
      continue;
    }
    const problem = textFieldProblem(field, text);
    if (problem) problems.push(problem);
  }
  for (const field of NULLABLE_TEXT_FIELDS) {
    const text = record[field];
    if (text === null) continue;
    if (typeof text !== 'string') {
      problems.push(`${field} must be null or a string of at most ${ACCESS_LOG_TEXT_LIMITS[field]} characters`);
      continue;
    }
    const problem = textFieldProblem(field, text);
    if (problem) problems.push(problem);
  }
  if (typeof record.line === 'string' && LINE_BREAKING.test(record.line)) {
    problems.push('line must not contain control characters or line breaks');
  }
  if (!Number.isInteger(record.status) || (record.status as number) < 100 || (record.status as number) > 599) {
    problems.push('status must be an integer from 100 to 599');
  }
  if (
    !Number.isInteger(record.durationMs) ||
    (record.durationMs as number) < 0 ||
    (record.durationMs as number) > MAX_ACCESS_LOG_DURATION_MS
  ) {
    problems.push(`durationMs must be an integer from 0 to ${MAX_ACCESS_LOG_DURATION_MS}`);
  }
  if (problems.length > 0) return { ok: false, reason: `ACCESS_LOG.INVALID: ${problems.join('; ')}` };
  const r = record as unknown as AccessLogRecord;
  return {
    ok: true,
    record: {
      id: r.id,
      time: r.time,
      service: r.service,
      host: r.host,
      remoteIp: r.remoteIp,
      status: r.status,
      method: r.method,
      path: r.path,
      principal: r.principal,
      userAgent: r.userAgent,
      accept: r.accept,
      durationMs: r.durationMs,
      line: r.line,
    },
  };
}

/** A line of an access-logs.v1 value that is not a valid record: its text and why. */
export interface RejectedAccessLogLine {
  /** Position of the line in the message (0-based). */
  index: number;
  line: string;
  reason: string;
}

/** Decodes and validates one line of JSON (see checkAccessLogRecord for the options). */
export function decodeAccessLogLine(line: string, options?: AccessLogCheckOptions): AccessLogRecordCheck {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `ACCESS_LOG.NOT_JSON: ${(error as Error).message}` };
  }
  return checkAccessLogRecord(value, options);
}

/**
 * Decodes an access-logs.v1 value: one record per line. Every line is judged on its own, so one
 * bad line costs only itself. With `options.now`, records dated outside the window are refused
 * too (the store does that; see checkAccessLogRecord).
 */
export function decodeAccessLogRecords(
  bytes: Buffer | null,
  options?: AccessLogCheckOptions,
): {
  records: AccessLogRecord[];
  rejected: RejectedAccessLogLine[];
} {
  const records: AccessLogRecord[] = [];
  const rejected: RejectedAccessLogLine[] = [];
  const text = bytes?.toString('utf8') ?? '';
  if (text.trim() === '') {
    rejected.push({ index: 0, line: text, reason: 'ACCESS_LOG.EMPTY' });
    return { records, rejected };
  }
  text.split('\n').forEach((line, index) => {
    if (line === '') return; // a trailing line break
    const checked = decodeAccessLogLine(line, options);
    if (checked.ok) records.push(checked.record);
    else rejected.push({ index, line, reason: checked.reason });
  });
  return { records, rejected };
}

/** Characters JSON must escape in a string (plus the separators some readers break lines at). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const JSON_NEEDS_ESCAPE = /["\\\x00-\x1f\u2028\u2029\ud800-\udfff]/;

function jsonString(value: string | null): string {
  if (value === null) return 'null';
  if (!JSON_NEEDS_ESCAPE.test(value)) return `"${value}"`;
  // JSON.stringify leaves U+2028 and U+2029 raw; some line readers break there
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

/**
 * One record as its JSON line: the text JSON.stringify writes (U+2028 and U+2029 escaped too),
 * without walking the object generically, because this runs once per request in every service.
 */
export function serializeAccessLogRecord(r: AccessLogRecord): string {
  return (
    `{"id":${jsonString(r.id)},"time":${jsonString(r.time)},"service":${jsonString(r.service)},` +
    `"host":${jsonString(r.host)},"remoteIp":${jsonString(r.remoteIp)},"status":${r.status},` +
    `"method":${jsonString(r.method)},"path":${jsonString(r.path)},"principal":${jsonString(r.principal)},` +
    `"userAgent":${jsonString(r.userAgent)},"accept":${jsonString(r.accept)},"durationMs":${r.durationMs},` +
    `"line":${jsonString(r.line)}}`
  );
}

/**
 * Packs record lines (serializeAccessLogRecord) into access-logs.v1 values: as many lines per
 * value as fit under `maxChars` (and `maxRecords`); at most 3 bytes per character keeps a value
 * well under the topic's 2 MiB message limit. Publishing hundreds of records per Kafka message
 * instead of one costs the producer a fraction of the CPU per request.
 */
export function packAccessLogLines(
  lines: readonly string[],
  { maxChars = 512 * 1024, maxRecords = 1000 }: { maxChars?: number; maxRecords?: number } = {},
): string[] {
  const values: string[] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const line of lines) {
    if (batch.length > 0 && (batch.length >= maxRecords || chars + 1 + line.length > maxChars)) {
      values.push(batch.join('\n'));
      batch = [];
      chars = 0;
    }
    batch.push(line);
    chars += line.length + 1;
  }
  if (batch.length > 0) values.push(batch.join('\n'));
  return values;
}

/** packAccessLogLines for record objects. */
export function packAccessLogRecords(
  records: readonly AccessLogRecord[],
  limits?: { maxChars?: number; maxRecords?: number },
): string[] {
  return packAccessLogLines(records.map(serializeAccessLogRecord), limits);
}
