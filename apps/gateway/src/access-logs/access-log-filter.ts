import { isIP } from 'node:net';
import { textProblem } from '@meshtrail/contracts';

/** A search over the access-log store, validated. Times are ISO strings; bounds are [from, to). */
export interface AccessLogFilter {
  from: string;
  to: string;
  principal?: string;
  /** An exact status, or a class as [min, max]. */
  status?: number | [number, number];
  method?: string;
  pathPrefix?: string;
  remoteIp?: string;
  limit: number;
  /** Resume after this position (newest first): the last row of the previous page. */
  after?: { time: string; id: string };
}

/** A bad query parameter, named (mapped to 400 by the controller). */
export class InvalidParameter extends Error {
  readonly code = 'QUERY.INVALID_PARAMETER';
  constructor(
    readonly parameter: string,
    readonly problem: string,
  ) {
    super(`${parameter}: ${problem}`);
  }
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
const DEFAULT_WINDOW_MS = 24 * 3_600_000;
const KNOWN = ['from', 'to', 'principal', 'status', 'method', 'pathPrefix', 'remoteIp', 'limit', 'cursor', 'format'];
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidParameter(name, 'must be given once, as a string');
  const problem = textProblem(value);
  if (problem !== undefined) throw new InvalidParameter(name, problem);
  return value;
}

function time(name: string, value: string): string {
  // the anchored ISO shape first: it bounds the text before anything looks further (a search for
  // an offset anywhere after a T backtracks quadratically: 0.3 s of event loop on 15,000 Ts)
  const iso = ISO.test(value);
  const zoned = iso && /(Z|[+-]\d{2}:?\d{2})$/.test(value) && value.includes('T');
  // a date-time without an offset is UTC (Date.parse would take it as local time)
  const ms = iso ? Date.parse(value.includes('T') && !zoned ? `${value}Z` : value) : NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidParameter(name, 'must be an ISO 8601 date or date-time, e.g. 2026-03-04T05:06:07Z');
  }
  return new Date(ms).toISOString();
}

/** The keyset cursor: where the previous page ended. Opaque to clients (base64url). */
export function encodeCursor(position: { time: string; id: string }): string {
  return Buffer.from(`${position.time}|${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { time: string; id: string } {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const [at, id, ...rest] = text.split('|');
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(Date.parse(at ?? ''))) {
    throw new InvalidParameter('cursor', 'is not a cursor returned by this API');
  }
  return { time: new Date(at).toISOString(), id };
}

/**
 * Reads the search parameters: time range (`from`, `to`; the last 24 hours by default),
 * `principal`, `status` (`404` or a class like `4xx`), `method`, `pathPrefix`, `remoteIp`,
 * `limit` (1-1000) and `cursor`. Anything unknown or malformed is refused, naming the parameter.
 */
export function parseAccessLogFilter(query: Record<string, unknown>, now: Date = new Date()): AccessLogFilter {
  for (const name of Object.keys(query)) {
    if (!KNOWN.includes(name)) throw new InvalidParameter(name, 'is not a known parameter');
  }
  const toText = single(query, 'to');
  const fromText = single(query, 'from');
  const to = toText ? time('to', toText) : now.toISOString();
  const from = fromText ? time('from', fromText) : new Date(Date.parse(to) - DEFAULT_WINDOW_MS).toISOString();
  if (Date.parse(from) >= Date.parse(to)) throw new InvalidParameter('from', 'must be before to');
  const filter: AccessLogFilter = { from, to, limit: DEFAULT_LIMIT };

  const principal = single(query, 'principal');
  if (principal !== undefined) {
    if (principal === '' || principal.length > 512)
      throw new InvalidParameter('principal', 'must be 1 to 512 characters');
    filter.principal = principal;
  }
  const status = single(query, 'status');
  if (status !== undefined) {
    if (/^[1-5]\d\d$/.test(status)) filter.status = Number(status);
    else if (/^[1-5]xx$/i.test(status)) filter.status = [Number(status[0]) * 100, Number(status[0]) * 100 + 99];
    else throw new InvalidParameter('status', 'must be a status such as 404 or a class such as 4xx');
  }
  const method = single(query, 'method');
  if (method !== undefined) {
    if (!/^[A-Za-z]{1,16}$/.test(method)) throw new InvalidParameter('method', 'must be an HTTP method such as GET');
    filter.method = method.toUpperCase();
  }
  const pathPrefix = single(query, 'pathPrefix');
  if (pathPrefix !== undefined) {
    if (!pathPrefix.startsWith('/') || pathPrefix.length > 2048) {
      throw new InvalidParameter('pathPrefix', 'must start with / and be at most 2048 characters');
    }
    filter.pathPrefix = pathPrefix;
  }
  const remoteIp = single(query, 'remoteIp');
  if (remoteIp !== undefined) {
    if (isIP(remoteIp) === 0) throw new InvalidParameter('remoteIp', 'must be an IPv4 or IPv6 address');
    filter.remoteIp = remoteIp;
  }
  const limit = single(query, 'limit');
  if (limit !== undefined) {
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) {
      throw new InvalidParameter('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
    }
    filter.limit = Number(limit);
  }
  const cursor = single(query, 'cursor');
  if (cursor !== undefined) filter.after = decodeCursor(cursor);
  return filter;
}

/** `%`, `_` and `\` are LIKE wildcards or its escape: a prefix matches them literally. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The WHERE conditions of a filter (time range, principal, status, method, path, address) and their parameters. */
function accessLogWhere(filter: AccessLogFilter): { where: string[]; params: unknown[] } {
  const params: unknown[] = [filter.from, filter.to];
  const where = ['requested_at >= $1', 'requested_at < $2'];
  const add = (condition: (n: number) => string, ...values: unknown[]) => {
    const first = params.length + 1;
    params.push(...values);
    where.push(condition(first));
  };
  if (filter.principal !== undefined) add((n) => `principal = $${n}`, filter.principal);
  if (typeof filter.status === 'number') add((n) => `status = $${n}`, filter.status);
  else if (filter.status) add((n) => `status BETWEEN $${n} AND $${n + 1}`, filter.status[0], filter.status[1]);
  if (filter.method !== undefined) add((n) => `method = $${n}`, filter.method);
  if (filter.pathPrefix !== undefined) add((n) => `path LIKE $${n} ESCAPE '\\'`, likePrefix(filter.pathPrefix));
  if (filter.remoteIp !== undefined) add((n) => `remote_ip = $${n}`, filter.remoteIp);
  if (filter.after)
    add((n) => `(requested_at, id) < ($${n}::timestamptz, $${n + 1}::uuid)`, filter.after.time, filter.after.id);
  return { where, params };
}

/** The parameterised SQL for one page (newest first, keyset after `filter.after`), fetching limit + 1 rows. */
export function accessLogPageSql(filter: AccessLogFilter, limit = filter.limit): { sql: string; params: unknown[] } {
  const { where, params } = accessLogWhere(filter);
  params.push(limit + 1);
  const sql =
    'SELECT requested_at, id, service, host, remote_ip, status, method, path, principal, user_agent, accept, duration_ms, line ' +
    `FROM access_logs WHERE ${where.join(' AND ')} ORDER BY requested_at DESC, id DESC LIMIT $${params.length}`;
  return { sql, params };
}

/** The longest range requests per hour are counted over at once. */
export const MAX_STATS_DAYS = 31;
const HOUR_MS = 3_600_000;

/**
 * The whole UTC hours requests per hour are counted over: those [from, to) touches (the search's
 * range, the last 24 hours by default); at most MAX_STATS_DAYS days, else the parameter that set
 * the range is refused. The stats take no page parameters.
 */
export function accessLogStatsRange(
  query: Record<string, unknown>,
  filter: AccessLogFilter,
): { from: string; to: string } {
  for (const name of ['limit', 'cursor', 'format']) {
    if (query[name] !== undefined) throw new InvalidParameter(name, 'the stats take no page or format parameters');
  }
  const from = Math.floor(Date.parse(filter.from) / HOUR_MS) * HOUR_MS;
  const to = Math.ceil(Date.parse(filter.to) / HOUR_MS) * HOUR_MS;
  if (to - from > MAX_STATS_DAYS * 24 * HOUR_MS) {
    const parameter = query.from !== undefined ? 'from' : 'to';
    throw new InvalidParameter(parameter, `the range must be at most ${MAX_STATS_DAYS} days`);
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** Requests per UTC hour and how many of them failed (4xx, 5xx), for the filter (its cursor aside). */
export function accessLogStatsSql(filter: AccessLogFilter): { sql: string; params: unknown[] } {
  const { where, params } = accessLogWhere({ ...filter, after: undefined });
  const hour = "date_trunc('hour', requested_at AT TIME ZONE 'UTC')";
  const sql =
    `SELECT to_char(${hour}, 'YYYY-MM-DD"T"HH24:00:00.000"Z"') AS hour, count(*)::int AS requests, ` +
    'count(*) FILTER (WHERE status BETWEEN 400 AND 499)::int AS client_errors, ' +
    'count(*) FILTER (WHERE status BETWEEN 500 AND 599)::int AS server_errors ' +
    `FROM access_logs WHERE ${where.join(' AND ')} GROUP BY ${hour}`;
  return { sql, params };
}
