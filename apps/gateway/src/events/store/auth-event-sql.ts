import type { CursorPosition } from '../query/cursor';
import type { EventFilter, FieldCondition } from '../query/event-filter';
import { EXPORT_COLUMNS, likePattern, type ReadScope, type SqlQuery } from './event-sql';
import { SqlParams } from './sql-params';

/**
 * Keycloak's authentication and admin events (the auth_events table) in the shape of the trail,
 * so they join audit events in the same pages and exports. Only admins see them: they belong to
 * no workspace.
 */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const occurredUs = `(extract(epoch FROM occurred_at) * 1000000)::bigint`;

/** Auth events have no id of their own: their position is one. */
export const AUTH_ID = `'keycloak-' || ${occurredUs} || '-' || seq`;
const AUTH_CHANGE = `concat_ws(', ', type, 'realm ' || realm_name, 'client ' || client_id,
  'user ' || coalesce(details->>'username', user_id), 'resource ' || resource_path, 'from ' || ip_address, 'error ' || error)`;

const VIEW: ReadonlyArray<readonly [string, string]> = [
  ['id', AUTH_ID],
  ['kind', "'auth'"],
  ['time', iso('occurred_at')],
  ['ingested', iso('ingested_at')],
  ['seq', 'seq::text'],
  ['occurred_us', `${occurredUs}::text`],
  ['source', "'keycloak'"],
  ['type', `'keycloak.' || kind || '.' || lower(type)`],
  ['subject', 'coalesce(resource_path, user_id)'],
  ['object_type', `CASE kind WHEN 'login' THEN 'KeycloakLogin' ELSE 'KeycloakAdmin' END`],
  ['object_id', `coalesce(resource_path, user_id, '')`],
  ['object_name', 'realm_name'],
  ['action', 'lower(type)'],
  ['workspace', 'NULL::text'],
  ['actor_kind', "'user'"],
  ['actor_id', `coalesce(user_id, '')`],
  ['actor_name', `details->>'username'`],
  ['change', AUTH_CHANGE],
  ['changes', `'[]'::jsonb`],
  ['source_ip', 'ip_address'],
  ['correlation_id', 'session_id'],
  ['hash', 'NULL::text'],
];

/** The page and single-event columns (the names EVENT_COLUMNS has for audit events). */
export const AUTH_EVENT_COLUMNS = VIEW.map(([name, sql]) => `${sql} AS ${name}`).join(',\n  ');

/** Each export column's text for an auth event. */
const EXPORT_SQL: Record<string, string> = {
  id: AUTH_ID,
  kind: "'auth'",
  time: iso('occurred_at'),
  workspace: 'NULL::text',
  workspaceName: 'NULL::text',
  objectType: `CASE kind WHEN 'login' THEN 'KeycloakLogin' ELSE 'KeycloakAdmin' END`,
  objectId: `coalesce(resource_path, user_id, '')`,
  objectName: 'realm_name',
  action: 'lower(type)',
  actorKind: "'user'",
  actorId: `coalesce(user_id, '')`,
  actorName: `details->>'username'`,
  change: AUTH_CHANGE,
  changes: `'[]'`,
  source: "'keycloak'",
  type: `'keycloak.' || kind || '.' || lower(type)`,
  subject: 'coalesce(resource_path, user_id)',
  sourceIp: 'ip_address',
  correlationId: 'session_id',
  ingestedAt: iso('ingested_at'),
  hash: 'NULL::text',
};

/** The export columns in the order of EXPORT_COLUMNS, then the keyset position. */
export const AUTH_EXPORT_SELECT = [
  ...EXPORT_COLUMNS.map(([name]) => EXPORT_SQL[name]),
  `${occurredUs}::text`,
  'seq::text',
].join(', ');

/** Conditions on audit-only fields cannot hold for an auth event (positive) or always hold (negated). */
const AUDIT_ONLY: ReadonlySet<string> = new Set(['workspace', 'objectType', 'objectId', 'objectName', 'action']);

/**
 * Whether a filter can match auth events at all, for this caller: admins only, and no condition
 * that only audit events can meet.
 */
export function authEventsApply(filter: EventFilter, scope: ReadScope): boolean {
  if (!scope.all) return false;
  return filter.conditions.every((c) => {
    if (AUDIT_ONLY.has(c.field)) return c.negated;
    if (c.field === 'kind' || c.field === 'source') {
      const matches = c.values.includes(c.field === 'kind' ? 'auth' : 'keycloak');
      return c.negated ? !matches : matches;
    }
    return true;
  });
}

/** Whether a filter can match audit events at all (only `kind` can rule them out). */
export function auditEventsApply(filter: EventFilter): boolean {
  return filter.conditions.every((c) => c.field !== 'kind' || c.values.includes('audit') !== c.negated);
}

function conditionSql(condition: FieldCondition, params: SqlParams): string | undefined {
  let sql: string;
  const lower = condition.values.map((v) => v.toLowerCase());
  switch (condition.field) {
    case 'actor':
      sql = `(user_id = ANY(${params.add(condition.values)}::text[]) OR lower(details->>'username') = ANY(${params.add(lower)}::text[]))`;
      break;
    case 'change':
      sql = lower.map((value) => `lower(${AUTH_CHANGE}) LIKE ${params.add(likePattern(value))}`).join(' OR ');
      if (condition.values.length > 1) sql = `(${sql})`;
      break;
    default:
      // decided by authEventsApply: the rest cannot narrow auth events further
      return undefined;
  }
  return condition.negated ? `(${sql}) IS NOT TRUE` : sql;
}

export function authWhere(filter: EventFilter, params: SqlParams, after?: CursorPosition): string {
  const clauses = filter.conditions.map((c) => conditionSql(c, params)).filter((c): c is string => c !== undefined);
  if (filter.from) clauses.push(`occurred_at >= ${params.add(filter.from)}`);
  if (filter.to) clauses.push(`occurred_at < ${params.add(filter.to)}`);
  if (after) {
    const at = `('epoch'::timestamptz + ${params.add(after.occurredUs)}::bigint * interval '1 microsecond')`;
    clauses.push(`occurred_at <= ${at}`, `(occurred_at, seq) < (${at}, ${params.add(after.seq)}::bigint)`);
  }
  return clauses.length ? `WHERE ${clauses.join('\n  AND ')}` : '';
}

const ORDER = 'ORDER BY auth_events.occurred_at DESC, auth_events.seq DESC';

export function authPageQuery(filter: EventFilter, limit: number, after?: CursorPosition): SqlQuery {
  const params = new SqlParams();
  const where = authWhere(filter, params, after);
  return {
    text: `SELECT ${AUTH_EVENT_COLUMNS}\nFROM auth_events\n${where}\n${ORDER}\nLIMIT ${params.add(limit + 1)}`,
    values: params.values,
  };
}

export function authCountQuery(filter: EventFilter): SqlQuery {
  const params = new SqlParams();
  return {
    text: `SELECT count(*)::bigint::text AS total FROM auth_events\n${authWhere(filter, params)}`,
    values: params.values,
  };
}

export function authExportQuery(filter: EventFilter): SqlQuery {
  const params = new SqlParams();
  const where = authWhere(filter, params);
  return {
    text: `SELECT ${AUTH_EXPORT_SELECT}\nFROM (\n  SELECT * FROM auth_events\n  ${where}\n  ${ORDER}\n) auth_events\n${ORDER}`,
    values: params.values,
  };
}

/** The end of year 9999 in microseconds since 1970: no stored event is later, and PostgreSQL's timestamps end not far beyond. */
const LAST_MICROS = 253_402_300_799_999_999n;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/**
 * An auth event by its id (`keycloak-<microseconds>-<seq>`), or undefined for ids of another
 * shape or numbers no stored event can have (which PostgreSQL would refuse as out of range).
 */
export function authByIdQuery(id: string): SqlQuery | undefined {
  const match = /^keycloak-(\d{1,19})-(\d{1,19})$/.exec(id);
  if (!match || BigInt(match[1]) > LAST_MICROS || BigInt(match[2]) > MAX_BIGINT) return undefined;
  return {
    text: `SELECT ${AUTH_EVENT_COLUMNS}, jsonb_build_object('line', line, 'details', details, 'realmId', realm_id,
  'clientId', client_id, 'userId', user_id, 'error', error, 'resourceType', resource_type) AS event
FROM auth_events
WHERE occurred_at = 'epoch'::timestamptz + $1::bigint * interval '1 microsecond' AND seq = $2::bigint`,
    values: [match[1], match[2]],
  };
}
