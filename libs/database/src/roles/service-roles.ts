/**
 * Who may do what in the database: one login role per service, each with only the rights its
 * code uses. `provisionServiceRoles` makes the database say exactly this (it revokes the rest),
 * so this table is the one place to read, and to change when a service starts using a table.
 * The owner of the tables (who migrates) is none of these: it is used by the set-up step alone.
 */

export const SERVICE_NAMES = ['gateway', 'audit-ingest', 'access-log', 'telemetry-relay', 'retention'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The NOLOGIN role the trail is appended under (`SET LOCAL ROLE`); it may only INSERT and SELECT the trail. */
export const TRAIL_WRITER_ROLE = 'meshtrail_ingest';

export interface TableGrant {
  /** e.g. `SELECT, INSERT` or `UPDATE (revoked_at, revoked_by)`. */
  readonly privileges: string;
  readonly tables: readonly string[];
}

export interface ServiceRole {
  readonly service: ServiceName;
  /** The login role's name when its URL variable does not name another. */
  readonly defaultRole: string;
  /** The admin CLI's variable holding this service's DATABASE_URL (its role and password). */
  readonly urlVariable: string;
  /** Roles it is a member of: it may SET ROLE to these, and to nothing else. */
  readonly memberOf: readonly string[];
  /** Sequences owned by a table it INSERTs into come with the grant. Partitions get their table's grants. */
  readonly tables: readonly TableGrant[];
  /** SECURITY DEFINER functions it may call (they act as the owner, within their own checks). */
  readonly functions: readonly string[];
}

const PARTITIONS = 'meshtrail_ensure_monthly_partitions(text, date, integer)';

/** The trail and everything the query API, its proofs and the Event Logs page read. */
const TRAIL_READ = [
  'audit_events',
  'audit_event_search',
  'audit_event_ids',
  'auth_events',
  'audit_checkpoints',
  'audit_purge_requests',
  'projection_positions',
  'workspace_memberships',
  'live_objects',
  'object_counts',
  'workspace_names',
  'workspace_name_history',
];

/**
 * Every service records its own non-secret settings at start (libs/runtime's settings recorder),
 * one row per service and recording role; row-level security holds each role to the rows it
 * recorded (migration 1763990000800), so no service can rewrite another's record.
 */
const SETTINGS: TableGrant = {
  privileges: 'SELECT, INSERT, UPDATE (settings, recorded_at)',
  tables: ['service_settings'],
};

export const SERVICE_ROLES: readonly ServiceRole[] = [
  {
    service: 'gateway',
    defaultRole: 'meshtrail_gateway',
    urlVariable: 'GATEWAY_DATABASE_URL',
    memberOf: [],
    tables: [
      SETTINGS,
      {
        privileges: 'SELECT',
        tables: [...TRAIL_READ, 'access_logs', 'retention_runs', 'retention_purges', 'telemetry_transmissions'],
      },
      { privileges: 'SELECT, INSERT', tables: ['api_keys', 'legal_holds'] },
      { privileges: 'UPDATE (revoked_at, revoked_by, last_used_at)', tables: ['api_keys'] },
      {
        privileges: 'UPDATE (released_at, released_by_kind, released_by_id, released_by_name, release_reason)',
        tables: ['legal_holds'],
      },
      { privileges: 'SELECT, INSERT, UPDATE, DELETE', tables: ['api_rate_limits'] },
      { privileges: 'SELECT, INSERT', tables: ['dead_letters'] },
      { privileges: 'UPDATE (replayed_at, replayed_by, replay_count)', tables: ['dead_letters'] },
    ],
    functions: [],
  },
  {
    service: 'audit-ingest',
    defaultRole: 'meshtrail_audit_ingest',
    urlVariable: 'AUDIT_INGEST_DATABASE_URL',
    // the trail, its projections, checkpoints and the projector's position come through
    // meshtrail_ingest; pg_read_all_stats (PostgreSQL's read-only monitoring role) lets the
    // projection's health name the session whose open transaction holds the read model back
    memberOf: [TRAIL_WRITER_ROLE, 'pg_read_all_stats'],
    tables: [
      SETTINGS,
      { privileges: 'SELECT, INSERT', tables: ['dead_letters'] },
      // the Keycloak event feed: its position per realm, and the ids it published inside the overlap
      { privileges: 'SELECT, INSERT, UPDATE', tables: ['keycloak_feed_positions'] },
      { privileges: 'SELECT, INSERT, DELETE', tables: ['keycloak_feed_seen'] },
    ],
    functions: [PARTITIONS],
  },
  {
    service: 'access-log',
    defaultRole: 'meshtrail_access_log',
    urlVariable: 'ACCESS_LOG_DATABASE_URL',
    memberOf: [],
    tables: [SETTINGS, { privileges: 'SELECT, INSERT', tables: ['access_logs', 'dead_letters'] }],
    functions: [PARTITIONS],
  },
  {
    service: 'telemetry-relay',
    defaultRole: 'meshtrail_telemetry_relay',
    urlVariable: 'TELEMETRY_RELAY_DATABASE_URL',
    memberOf: [],
    tables: [SETTINGS, { privileges: 'SELECT, INSERT', tables: ['telemetry_transmissions', 'dead_letters'] }],
    functions: [PARTITIONS],
  },
  {
    service: 'retention',
    defaultRole: 'meshtrail_retention',
    urlVariable: 'RETENTION_DATABASE_URL',
    memberOf: [],
    tables: [
      SETTINGS,
      // DELETE only below a recorded cutoff (the stores' delete trigger checks it)
      {
        privileges: 'SELECT, DELETE',
        tables: [
          'audit_events',
          'audit_event_search',
          'audit_event_ids',
          'auth_events',
          'access_logs',
          'telemetry_transmissions',
          'dead_letters',
        ],
      },
      // the records a removal needs first: retention_purges, and for the trail the request the
      // sealer signs; by column, so that when and by whom stay the database's to say
      { privileges: 'SELECT, INSERT (store, cutoff)', tables: ['retention_purges', 'audit_purge_requests'] },
      { privileges: 'SELECT, INSERT', tables: ['retention_runs', 'dead_letters'] },
      { privileges: 'SELECT', tables: ['legal_holds', 'audit_checkpoints', 'projection_positions'] },
      // before it purges the trail, a copy of the projections (rebuild-projections restores it)
      {
        privileges: 'SELECT',
        tables: ['workspace_memberships', 'live_objects', 'workspace_names', 'workspace_name_history'],
      },
      {
        privileges: 'SELECT, INSERT, TRUNCATE',
        tables: [
          'projection_snapshot_memberships',
          'projection_snapshot_live_objects',
          'projection_snapshot_workspace_names',
          'projection_snapshot_workspace_name_history',
        ],
      },
      { privileges: 'SELECT, INSERT, UPDATE', tables: ['projection_snapshots'] },
    ],
    functions: [
      PARTITIONS,
      'meshtrail_detach_expired_partition(text, text)',
      'meshtrail_drop_detached_partition(text)',
      'meshtrail_brin_summarize_new_values(regclass)',
      'meshtrail_brin_desummarize_range(regclass, bigint)',
    ],
  },
];

export function serviceRole(service: ServiceName): ServiceRole {
  return SERVICE_ROLES.find((role) => role.service === service)!;
}

/** A service's login: the role its URL names (else the default) and the password it carries, if any. */
export interface ServiceLogin {
  readonly service: ServiceName;
  readonly role: string;
  readonly password?: string;
}

/** The logins the admin CLI provisions, from the services' URL variables (unset: default role, password left alone). */
export function serviceLogins(env: Readonly<Record<string, string | undefined>>): ServiceLogin[] {
  return SERVICE_ROLES.map(({ service, defaultRole, urlVariable }) => {
    const url = env[urlVariable];
    if (!url) return { service, role: defaultRole };
    const parsed = new URL(url);
    const role = decodeURIComponent(parsed.username) || defaultRole;
    const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
    return { service, role, ...(password ? { password } : {}) };
  });
}

/** The owner's URL turned into a service's: its role, no password (for a server that trusts local logins). */
export function serviceDatabaseUrl(ownerUrl: string, service: ServiceName, password?: string): string {
  const url = new URL(ownerUrl);
  url.username = serviceRole(service).defaultRole;
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}
