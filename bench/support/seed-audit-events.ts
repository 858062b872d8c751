import type { Client } from 'pg';
import { escapeIdentifier } from 'pg';
import { SEARCH_COLUMNS, TRAIL_PROJECTION } from '@meshtrail/audit-store';

export const SEED_MONTHS = 12;
/** Seeded events live in 2025, clear of the partitions the migration creates around today. */
export const SEED_YEAR = 2025;
export const WORKSPACES = 1000;
export const ACTORS = 2000;

/**
 * One month of synthetic audit events, generated set-based inside PostgreSQL: realistic columns,
 * a full CloudEvent in `event` (about 500 bytes), its SHA-256, spread evenly over the month, in seq
 * order. Every 20th event is global; workspaces, actors, object types and actions are spread
 * with multiplicative hashing so neighbours differ.
 */
export const MONTH_ROWS_SQL = `
WITH g AS (
  SELECT n,
         $3::timestamptz + ((n - $1) * ($4::double precision / ($2 - $1 + 1))) * interval '1 second' AS at,
         CASE WHEN n % 20 = 0 THEN NULL ELSE 'ws-' || lpad(((n * 7919) % ${WORKSPACES})::text, 4, '0') END AS ws,
         (ARRAY['Workspace','Project','ProjectRole','LandingZone','PlatformInstance','Tenant','TagDefinition','User',
                'BuildingBlock','BuildingBlockDefinition','OsbServiceInstance','OsbServiceBinding','WorkspaceAccess',
                'PaymentMethod','ProjectQuota'])[1 + (n * 31) % 15] AS object_type,
         (ARRAY['created','created','created','updated','updated','updated','deleted','deleted','granted','revoked',
                'runs_requested'])[1 + (n * 17) % 11] AS action,
         lpad(((n * 104729) % ${ACTORS})::text, 4, '0') AS actor_no,
         (n * 13) % 50000 AS object_no
  FROM generate_series($1::bigint, $2::bigint) AS n
), r AS (
  SELECT n, at, ws, object_type, action, actor_no, object_no,
         lower(object_type) || '-' || object_no AS object_id,
         object_type || ' ' || object_no AS object_name,
         CASE WHEN n % 10 = 9 THEN 'system' ELSE 'user' END AS actor_kind,
         CASE WHEN n % 10 = 9 THEN 'replicator' ELSE 'user-' || actor_no || '@example.com' END AS actor_id,
         CASE WHEN n % 10 = 9 THEN 'Replicator' ELSE 'User ' || actor_no END AS actor_name,
         CASE n % 8
           WHEN 0 THEN 'added user-' || actor_no || '@example.com as Workspace Manager'
           WHEN 1 THEN 'changed quota of project p-' || object_no || ' from 10 to ' || (n % 90 + 11)
           WHEN 2 THEN 'created landing zone lz-' || object_no || ' in ' || coalesce(ws, 'the platform')
           WHEN 3 THEN 'deleted tenant t-' || object_no || ' of project p-' || (object_no % 977)
           WHEN 4 THEN 'requested a run of building block bb-' || object_no
           WHEN 5 THEN 'renamed project p-' || object_no || ' to Payments ' || (n % 1000)
           WHEN 6 THEN 'set tag cost-center to cc-' || (n % 400) || ' on project p-' || object_no
           ELSE 'updated payment method pm-' || object_no || ' of customer c-' || (n % 3000)
         END AS change
  FROM g
), e AS MATERIALIZED (
  SELECT r.*,
         'evt-' || n AS id,
         jsonb_build_object(
           'specversion', '1.0', 'id', 'evt-' || n, 'source', 'meshstack/' || lower(object_type) || '-service',
           'type', 'meshstack.' || lower(object_type) || '.' || action, 'subject', object_id,
           'time', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'datacontenttype', 'application/json',
           'data', jsonb_strip_nulls(jsonb_build_object(
             'objectType', object_type, 'objectId', object_id, 'objectName', object_name, 'action', action,
             'workspace', ws, 'actor', jsonb_build_object('kind', actor_kind, 'id', actor_id, 'displayName', actor_name),
             'change', change, 'changes', jsonb_build_array(jsonb_build_object('field', 'quota', 'from', 10, 'to', n % 90 + 11)),
             'sourceIp', '10.' || (n % 250) || '.' || (n % 200) || '.' || (n % 100), 'correlationId', md5(n::text)))) AS event
  FROM r
)
INSERT INTO %TABLE% (seq, id, occurred_at, ingested_at, source, type, subject, object_type, object_id, object_name, action,
  workspace, actor_kind, actor_id, actor_name, change, changes, source_ip, correlation_id, event, hash,
  kafka_topic, kafka_partition, kafka_offset)
SELECT n, id, at, at + interval '40 milliseconds', event->>'source', event->>'type', object_id, object_type, object_id,
  object_name, action, ws, actor_kind, actor_id, actor_name, change, event->'data'->'changes', event->'data'->>'sourceIp',
  event->'data'->>'correlationId', event, encode(sha256(convert_to(event::text, 'UTF8')), 'hex'),
  'audit.events.v1', n % 6, n
FROM e`;

export function monthStart(month: number): Date {
  return new Date(Date.UTC(SEED_YEAR, month, 1));
}

/**
 * Seeds `total` events over SEED_MONTHS monthly partitions of the trail and of the read model, as
 * the projector would have left them: each month is filled as a plain table and then attached, so
 * PostgreSQL builds its indexes once in bulk instead of row by row.
 */
export async function seedAuditEvents(db: Client, total: number, progress: (line: string) => void): Promise<void> {
  await db.query(`SET maintenance_work_mem = '512MB'`);
  await db.query(`SET jit = off`);
  const perMonth = Math.ceil(total / SEED_MONTHS);
  for (let month = 0; month < SEED_MONTHS; month++) {
    const first = month * perMonth + 1;
    const last = Math.min(total, (month + 1) * perMonth);
    if (first > last) break;
    const start = monthStart(month);
    const end = monthStart(month + 1);
    const table = `audit_events_${SEED_YEAR}${String(month + 1).padStart(2, '0')}`;
    const started = Date.now();
    await db.query(`CREATE TABLE ${escapeIdentifier(table)} (LIKE audit_events INCLUDING DEFAULTS)`);
    await db.query(MONTH_ROWS_SQL.replace('%TABLE%', escapeIdentifier(table)), [
      first,
      last,
      start,
      (end.getTime() - start.getTime()) / 1000,
    ]);
    const loaded = Date.now();
    await db.query(
      `ALTER TABLE audit_events ATTACH PARTITION ${escapeIdentifier(table)} FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
    );
    await db.query(
      `INSERT INTO audit_event_ids (id, hash, occurred_at) SELECT id, hash, occurred_at FROM ${escapeIdentifier(table)}`,
    );
    const searchTable = table.replace('audit_events_', 'audit_event_search_');
    await db.query(`CREATE TABLE ${escapeIdentifier(searchTable)} (LIKE audit_event_search INCLUDING DEFAULTS)`);
    await db.query(
      `INSERT INTO ${escapeIdentifier(searchTable)} (${SEARCH_COLUMNS}) SELECT ${SEARCH_COLUMNS} FROM ${escapeIdentifier(table)} ORDER BY seq`,
    );
    await db.query(
      `ALTER TABLE audit_event_search ATTACH PARTITION ${escapeIdentifier(searchTable)} FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
    );
    progress(
      `  ${table}: ${last - first + 1} rows loaded in ${((loaded - started) / 1000).toFixed(1)} s, indexed in ${((Date.now() - loaded) / 1000).toFixed(1)} s`,
    );
  }
  await db.query(`SELECT setval('audit_events_seq', $1)`, [total]);
  await db.query(
    `UPDATE projection_positions SET (xact_id, seq) = (SELECT xact_id, seq FROM audit_events ORDER BY xact_id DESC, seq DESC LIMIT 1)
     WHERE projection = $1`,
    [TRAIL_PROJECTION],
  );
  // as autovacuum would in time: statistics, and the visibility map that index-only scans rely on
  await db.query('VACUUM (ANALYZE) audit_events');
  await db.query('VACUUM (ANALYZE) audit_event_search');
  await db.query('ANALYZE audit_event_ids');
}
