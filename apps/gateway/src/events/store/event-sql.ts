import type { EventFilter, FieldCondition } from '../query/event-filter';
import type { CursorPosition } from '../query/cursor';
import { SqlParams } from './sql-params';

/** What a caller may see: everything, or the events of these workspaces (never the global ones). */
export type ReadScope = { all: true } | { all: false; workspaces: readonly string[] };

export interface SqlQuery {
  text: string;
  values: unknown[];
  /**
   * The best plan of this shape does not depend on the values (one index serves them all), so the
   * reader prepares it and the server may keep one generic plan instead of planning every
   * partition anew. Left out where the values choose the index: a generic plan chosen there on
   * averages reads thousands of rows for an unlucky value.
   */
  prepared?: boolean;
}

/** True when the filter holds no condition but workspaces: the workspace index serves it, whatever the values. */
function workspacesOnly(filter: EventFilter): boolean {
  return filter.conditions.every((c) => c.field === 'workspace' && !c.negated);
}

/** An RFC 3339 UTC timestamp with microseconds, formatted by PostgreSQL (no Date parsing in Node). */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The columns of one event as the API shows it, plus the keyset position of the row. */
export const EVENT_COLUMNS = `id, 'audit' AS kind, ${iso('occurred_at')} AS time, ${iso('ingested_at')} AS ingested, seq::text AS seq,
  (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS occurred_us,
  source, type, subject, object_type, object_id, object_name, action, workspace,
  actor_kind, actor_id, actor_name, change, changes, source_ip, correlation_id, hash`;

/** The export's columns, as text, in CSV order: header and the SQL giving the text. */
export const EXPORT_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['id', 'id'],
  ['kind', "'audit'"],
  ['time', iso('occurred_at')],
  ['workspace', 'workspace'],
  ['objectType', 'object_type'],
  ['objectId', 'object_id'],
  ['objectName', 'object_name'],
  ['action', 'action'],
  ['actorKind', 'actor_kind'],
  ['actorId', 'actor_id'],
  ['actorName', 'actor_name'],
  ['change', 'change'],
  ['changes', 'changes::text'],
  ['source', 'source'],
  ['type', 'type'],
  ['subject', 'subject'],
  ['sourceIp', 'source_ip'],
  ['correlationId', 'correlation_id'],
  ['ingestedAt', iso('ingested_at')],
  ['hash', 'hash'],
  // last, after the columns exports always had; the gateway fills it in from the names it read
  // once per export (a lookup per row in SQL cost more than the whole scan)
  ['workspaceName', 'NULL::text'],
];

/** The keyset position appended to every export row (after EXPORT_COLUMNS), for merging audit and auth streams. */
export const EXPORT_POSITION = `(extract(epoch FROM occurred_at) * 1000000)::bigint::text, seq::text`;

/** `%` and `_` in a searched substring are literal characters, not wildcards. */
export function likePattern(substring: string): string {
  return `%${substring.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `column = $n` for one value (an index can then return rows in order), `column = ANY($n)` for
 * several.
 */
function oneOf(column: string, values: readonly string[], params: SqlParams): string {
  return values.length === 1
    ? `${column} = ${params.add(values[0])}`
    : `${column} = ANY(${params.add(values)}::text[])`;
}

/**
 * For each searched substring (lower-cased), the part of it to give the trigram index (see
 * indexed-part.ts); the whole substring is then checked with strpos, which no index serves.
 */
export type IndexedParts = ReadonlyMap<string, string>;

/**
 * How the positive change-line conditions of a span search are written: through the trigram index,
 * asked for each substring's indexed part, or as a plain substring test no index serves, where the
 * search reads every change line of the span from the workspace index instead (lineScanSpanQuery).
 */
type TextMatch = { via: 'trigrams'; parts?: IndexedParts } | { via: 'lineScan' };

function changeSql(value: string, params: SqlParams, match?: TextMatch): string {
  if (match?.via === 'lineScan') return `strpos(lower(change), ${params.add(value)}) > 0`;
  const part = match?.parts?.get(value);
  if (part === undefined || part === value) return `lower(change) LIKE ${params.add(likePattern(value))}`;
  return `(lower(change) LIKE ${params.add(likePattern(part))} AND strpos(lower(change), ${params.add(value)}) > 0)`;
}

function conditionSql(condition: FieldCondition, params: SqlParams, match?: TextMatch): string {
  const lower = condition.values.map((v) => v.toLowerCase());
  let sql: string;
  switch (condition.field) {
    case 'workspace':
      sql = oneOf('workspace', condition.values, params);
      break;
    case 'objectType':
      sql = oneOf('object_type', condition.values, params);
      break;
    case 'objectId':
      sql = oneOf('object_id', condition.values, params);
      break;
    case 'objectName':
      sql = oneOf('lower(object_name)', lower, params);
      break;
    case 'action':
      sql = oneOf('action', condition.values, params);
      break;
    case 'source':
      sql = oneOf('source', condition.values, params);
      break;
    case 'actor':
      sql = `(${oneOf('actor_id', condition.values, params)} OR ${oneOf('lower(actor_name)', lower, params)})`;
      break;
    case 'kind':
      // a constant for this table: audit events are of kind audit
      sql = condition.values.includes('audit') ? 'true' : 'false';
      break;
    case 'change':
      // one LIKE per value: the trigram index on lower(change) serves LIKE, not LIKE ANY(array)
      sql = lower.map((value) => changeSql(value, params, match)).join(' OR ');
      if (condition.values.length > 1) sql = `(${sql})`;
      break;
  }
  // IS NOT TRUE: a negated condition also keeps rows where the column is NULL
  return condition.negated ? `(${sql}) IS NOT TRUE` : sql;
}

/**
 * The WHERE clause: the caller's scope first, then the filter, then the cursor position. When the
 * query fans out over known workspaces, the scope and the positive workspace conditions are
 * applied to that list instead (see pageQuery), so each workspace's index range stays in order.
 */
export function whereClause(
  filter: EventFilter,
  scope: ReadScope,
  params: SqlParams,
  after?: CursorPosition,
  fannedOut = false,
  match?: TextMatch,
): string {
  const clauses: string[] = [];
  if (!scope.all && !fannedOut) clauses.push(oneOf('workspace', scope.workspaces, params));
  for (const condition of filter.conditions) {
    if (fannedOut && condition.field === 'workspace' && !condition.negated) continue;
    clauses.push(conditionSql(condition, params, condition.negated ? undefined : match));
  }
  if (filter.from) clauses.push(`occurred_at >= ${params.add(filter.from)}`);
  if (filter.to) clauses.push(`occurred_at < ${params.add(filter.to)}`);
  if (after) {
    const at = `('epoch'::timestamptz + ${params.add(after.occurredUs)}::bigint * interval '1 microsecond')`;
    const seq = params.add(after.seq);
    // the plain bound lets the planner skip newer partitions; the row comparison is the keyset
    clauses.push(`occurred_at <= ${at}`, `(occurred_at, seq) < (${at}, ${seq}::bigint)`);
  }
  return clauses.length ? `WHERE ${clauses.join('\n  AND ')}` : '';
}

/**
 * The workspaces a query can be split by: the caller's scope, narrowed by the workspaces the
 * filter insists on. Undefined when any workspace (or none) may match.
 */
export function fanOutWorkspaces(filter: EventFilter, scope: ReadScope): string[] | undefined {
  let workspaces: string[] | undefined = scope.all ? undefined : [...scope.workspaces];
  for (const condition of filter.conditions) {
    if (condition.field !== 'workspace' || condition.negated) continue;
    workspaces = workspaces ? workspaces.filter((w) => condition.values.includes(w)) : [...condition.values];
  }
  return workspaces ? [...new Set(workspaces)].sort() : undefined;
}

/**
 * One page, newest first; one row more than asked for tells whether another page follows. When
 * the workspaces are known, each one's newest rows are read from the (workspace, occurred_at,
 * seq) index and merged, instead of sorting everything of several workspaces.
 */
export function pageQuery(filter: EventFilter, scope: ReadScope, limit: number, after?: CursorPosition): SqlQuery {
  const params = new SqlParams();
  const workspaces = fanOutWorkspaces(filter, scope);
  // qualified: the select list has its own `seq` (text), which an unqualified name would mean
  const order = 'ORDER BY audit_event_search.occurred_at DESC, audit_event_search.seq DESC';
  const actor = filter.conditions.find((c) => c.field === 'actor' && !c.negated && c.values.length === 1);
  if (actor && (!workspaces || workspaces.length < 2)) return actorPageQuery(filter, actor, scope, limit, after);
  if (!workspaces || workspaces.length < 2) {
    const where = whereClause(filter, scope, params, after);
    return {
      text: `SELECT ${EVENT_COLUMNS}\nFROM audit_event_search\n${where}\n${order}\nLIMIT ${params.add(limit + 1)}`,
      values: params.values,
      prepared: workspacesOnly(filter),
    };
  }
  // the fan list is the scope (narrowed by the filter); checked against the scope here, in SQL
  const fanOut = params.add(workspaces);
  const scoped = scope.all ? '' : `\nWHERE fan.workspace = ANY(${params.add(scope.workspaces)}::text[])`;
  const inner = whereClause(filter, scope, params, after, true);
  const rows = params.add(limit + 1);
  return {
    text: `SELECT page.* FROM unnest(${fanOut}::text[]) AS fan(workspace)
CROSS JOIN LATERAL (
  SELECT ${EVENT_COLUMNS}
  FROM audit_event_search
  ${inner ? `${inner}\n    AND` : 'WHERE'} audit_event_search.workspace = fan.workspace
  ${order}
  LIMIT ${rows}
) page${scoped}
ORDER BY page.occurred_us::bigint DESC, page.seq::bigint DESC
LIMIT ${rows}`,
    values: params.values,
    prepared: workspacesOnly(filter),
  };
}

/**
 * An actor's page: the actor is an id or a name, two indexes; each gives its newest rows in
 * order and the two lists are merged (an OR would read every event of the actor and sort them).
 */
function actorPageQuery(
  filter: EventFilter,
  actor: FieldCondition,
  scope: ReadScope,
  limit: number,
  after: CursorPosition | undefined,
): SqlQuery {
  const params = new SqlParams();
  const where = whereClause(
    { ...filter, conditions: filter.conditions.filter((c) => c !== actor) },
    scope,
    params,
    after,
  );
  const id = params.add(actor.values[0]);
  const name = params.add(actor.values[0].toLowerCase());
  const rows = params.add(limit + 1);
  const order = 'ORDER BY audit_event_search.occurred_at DESC, audit_event_search.seq DESC';
  const and = where ? `${where}\n  AND` : 'WHERE';
  return {
    text: `SELECT page.* FROM (
(SELECT ${EVENT_COLUMNS} FROM audit_event_search
  ${and} actor_id = ${id}
  ${order} LIMIT ${rows})
UNION ALL
(SELECT ${EVENT_COLUMNS} FROM audit_event_search
  ${and} lower(actor_name) = ${name} AND actor_id IS DISTINCT FROM ${id}
  ${order} LIMIT ${rows})
) page
ORDER BY page.occurred_us::bigint DESC, page.seq::bigint DESC
LIMIT ${rows}`,
    values: params.values,
    // for an admin asking nothing else; within workspaces, their size against the actor's decides
    prepared: scope.all && filter.conditions.length === 1,
  };
}

/** True when the filter searches the change line (the case pages take in two steps, see textSearchPages). */
export function searchesText(filter: EventFilter): boolean {
  return filter.conditions.some((c) => c.field === 'change' && !c.negated);
}

/** Fields a condition can test on the workspace index's own entries (workspace, occurred_at, seq, change). */
const WORKSPACE_INDEX_FIELDS: ReadonlySet<FieldCondition['field']> = new Set(['workspace', 'change', 'kind']);

/**
 * True when a filter tests no column but the ones the workspace index holds (workspace,
 * occurred_at, seq, change), so that a text search can be answered from that index alone.
 */
export function testsWorkspaceIndexOnly(filter: EventFilter): boolean {
  return filter.conditions.every((c) => WORKSPACE_INDEX_FIELDS.has(c.field));
}

/**
 * True for a text search within known workspaces that needs no other column: the workspace index
 * carries the change line, so workspaceTextPageQuery answers it from the index alone.
 */
export function searchesWorkspaceIndex(filter: EventFilter, scope: ReadScope): boolean {
  return searchesText(filter) && (fanOutWorkspaces(filter, scope)?.length ?? 0) > 0 && testsWorkspaceIndexOnly(filter);
}

/**
 * A text search page within known workspaces: each workspace's matching positions come from an
 * index-only scan of its entries, newest first (a text found nowhere costs a read of the
 * workspaces' index entries, not of one heap page per event), merged as in pageQuery; only the
 * page's rows are then read whole.
 */
export function workspaceTextPageQuery(
  filter: EventFilter,
  scope: ReadScope,
  limit: number,
  after?: CursorPosition,
): SqlQuery {
  const params = new SqlParams();
  // the fan list is the scope (narrowed by the filter); checked against the scope here, in SQL
  const fanOut = params.add(fanOutWorkspaces(filter, scope) ?? []);
  const scoped = scope.all ? '' : `\n  WHERE fan.workspace = ANY(${params.add(scope.workspaces)}::text[])`;
  const inner = whereClause(filter, scope, params, after, true);
  const rows = params.add(limit + 1);
  const order = 'ORDER BY audit_event_search.occurred_at DESC, audit_event_search.seq DESC';
  return {
    text: `SELECT ${EVENT_COLUMNS}
FROM audit_event_search JOIN (
  SELECT hit.occurred_at, hit.seq FROM unnest(${fanOut}::text[]) AS fan(workspace)
  CROSS JOIN LATERAL (
    SELECT occurred_at, seq FROM audit_event_search
    ${inner ? `${inner}\n      AND` : 'WHERE'} audit_event_search.workspace = fan.workspace
    ${order}
    LIMIT ${rows}
  ) hit${scoped}
  ORDER BY hit.occurred_at DESC, hit.seq DESC
  LIMIT ${rows}
) hits USING (occurred_at, seq)
${order}`,
    values: params.values,
    // each workspace's inner scan is planned without knowing the workspace anyway
    prepared: true,
  };
}

/**
 * The first step of a text search page: the newest `window` events matching everything but the
 * text, searched for the text. Fast when the text is common; when it does not fill the page (and
 * there were more candidates than the window), the reader asks the trigram index over spans of
 * months (spanSearchQuery), since the planner cannot tell a common substring from a rare one.
 */
export function windowedSearchQuery(
  filter: EventFilter,
  scope: ReadScope,
  limit: number,
  after: CursorPosition | undefined,
  window: number,
): SqlQuery {
  const text = filter.conditions.filter((c) => c.field === 'change' && !c.negated);
  const rest: EventFilter = { ...filter, conditions: filter.conditions.filter((c) => !text.includes(c)) };
  const params = new SqlParams();
  const inner = whereClause(rest, scope, params, after);
  const outer = text.map((c) => conditionSql(c, params)).join(' AND ');
  const order = 'ORDER BY audit_event_search.occurred_at DESC, audit_event_search.seq DESC';
  return {
    text: `SELECT ${EVENT_COLUMNS} FROM (
  SELECT * FROM audit_event_search
  ${inner}
  ${order}
  LIMIT ${params.add(window)}
) audit_event_search
WHERE ${outer}
${order}
LIMIT ${params.add(limit + 1)}`,
    values: params.values,
  };
}

/**
 * The change lines (lower-cased, as the trigram index holds them) and times of the candidates in
 * a text search's window, the events matching everything but the text, newest first: how many
 * there were, where a span search starts, and a sample of the rows it will look through, for
 * choosing what to ask the index (indexed-part.ts). Times in milliseconds, a number each: a
 * thousand Dates would cost more to parse than the query takes.
 */
export function windowSampleQuery(
  filter: EventFilter,
  scope: ReadScope,
  after: CursorPosition | undefined,
  window: number,
): SqlQuery {
  const rest: EventFilter = {
    ...filter,
    conditions: filter.conditions.filter((c) => !(c.field === 'change' && !c.negated)),
  };
  const params = new SqlParams();
  const where = whereClause(rest, scope, params, after);
  return {
    text: `SELECT lower(change) AS line, (extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms FROM audit_event_search
  ${where}
  ORDER BY audit_event_search.occurred_at DESC, audit_event_search.seq DESC
  LIMIT ${params.add(window)}`,
    values: params.values,
  };
}

/** The filter within a span of months [start, end), open below without a start. */
function withinSpan(filter: EventFilter, span: { start?: Date; end: Date }): EventFilter {
  return {
    ...filter,
    from: span.start && !(filter.from && filter.from > span.start) ? span.start : filter.from,
    to: filter.to && filter.to < span.end ? filter.to : span.end,
  };
}

/**
 * A text search within a span of months [start, end), open below without a start: the trigram
 * index finds the matches (asked for the indexed part of each substring, when given), and only
 * those are sorted (ordering by an expression keeps the planner off the time index, which would
 * walk millions of rows for a rare text).
 */
export function spanSearchQuery(
  filter: EventFilter,
  scope: ReadScope,
  limit: number,
  after: CursorPosition | undefined,
  span: { start?: Date; end: Date },
  indexedParts?: IndexedParts,
): SqlQuery {
  const params = new SqlParams();
  const where = whereClause(withinSpan(filter, span), scope, params, after, false, {
    via: 'trigrams',
    parts: indexedParts,
  });
  return {
    text: `SELECT ${EVENT_COLUMNS}\nFROM audit_event_search\n${where}
ORDER BY audit_event_search.occurred_at + interval '0 seconds' DESC, audit_event_search.seq DESC
LIMIT ${params.add(limit)}`,
    values: params.values,
  };
}

/**
 * A text search within a span of months that reads every change line of the span from the
 * workspace index (an index-only scan; 38 MB against the table's 543 MB for a month of 417,000
 * events) and tests the substrings on them, for filters that testsWorkspaceIndexOnly accepts: for
 * a text no trigram narrows, where the trigram index would return most rows of the span and each
 * would cost a table page. Only the page's rows are then read whole. The substring test is written
 * so that no index serves it, keeping the planner off the trigram index.
 */
export function lineScanSpanQuery(
  filter: EventFilter,
  scope: ReadScope,
  limit: number,
  after: CursorPosition | undefined,
  span: { start?: Date; end: Date },
): SqlQuery {
  const params = new SqlParams();
  const where = whereClause(withinSpan(filter, span), scope, params, after, false, { via: 'lineScan' });
  return {
    text: `SELECT ${EVENT_COLUMNS}
FROM audit_event_search JOIN (
  SELECT occurred_at, seq FROM audit_event_search
  ${where}
  ORDER BY audit_event_search.occurred_at + interval '0 seconds' DESC, audit_event_search.seq DESC
  LIMIT ${params.add(limit)}
) hits USING (occurred_at, seq)
ORDER BY audit_event_search.occurred_at DESC, audit_event_search.seq DESC`,
    values: params.values,
  };
}

/** When the store's oldest event happened: where the reader splits a search of earlier months in two. */
export const STORE_OLDEST_QUERY: SqlQuery = {
  text: 'SELECT min(occurred_at) AS oldest FROM audit_event_search',
  values: [],
};

export function countQuery(filter: EventFilter, scope: ReadScope): SqlQuery {
  const params = new SqlParams();
  const where = whereClause(filter, scope, params);
  return { text: `SELECT count(*)::bigint::text AS total FROM audit_event_search\n${where}`, values: params.values };
}

/**
 * Every matching event, newest first, for an export stream, as the texts of EXPORT_COLUMNS. The
 * rows are ordered in a subquery and formatted outside it, so the planner weighs sorting whole
 * rows and prefers reading an index in order (which streams from the first row).
 */
export function exportQuery(filter: EventFilter, scope: ReadScope): SqlQuery {
  const params = new SqlParams();
  const where = whereClause(filter, scope, params);
  const select = `${EXPORT_COLUMNS.map(([, sql]) => sql).join(', ')}, ${EXPORT_POSITION}`;
  const order = 'ORDER BY audit_event_search.occurred_at DESC, audit_event_search.seq DESC';
  return {
    text: `SELECT ${select}\nFROM (\n  SELECT * FROM audit_event_search\n  ${where}\n  ${order}\n) audit_event_search\n${order}`,
    values: params.values,
  };
}

/** One audit event by id, within the caller's scope: these columns of it. */
function oneEventQuery(columns: string, id: string, scope: ReadScope): SqlQuery {
  const params = new SqlParams();
  const clauses: string[] = [];
  if (!scope.all) clauses.push(oneOf('workspace', scope.workspaces, params));
  const idParam = params.add(id);
  // the id registry knows the event time, so only one partition is searched
  clauses.push(`id = ${idParam}`, `occurred_at = (SELECT occurred_at FROM audit_event_ids WHERE id = ${idParam})`);
  return { text: `SELECT ${columns}\nFROM audit_events\nWHERE ${clauses.join(' AND ')}`, values: params.values };
}

/** One event by id, within the caller's scope. */
export function byIdQuery(id: string, scope: ReadScope): SqlQuery {
  return oneEventQuery(`${EVENT_COLUMNS}, event`, id, scope);
}

/** What an inclusion proof needs of one event, within the caller's scope: its commit position and the event as stored. */
export function proofSubjectQuery(id: string, scope: ReadScope): SqlQuery {
  return oneEventQuery('id, xact_id::text AS xact_id, seq::text AS seq, event', id, scope);
}
