import { inTransaction, type SqlSession } from '@meshtrail/database';
import { INGEST_ROLE } from './sql-client';

/** One Keycloak authentication ("login") or admin event. */
export interface AuthEvent {
  kind: 'login' | 'admin';
  /** LOGIN, LOGIN_ERROR, LOGOUT, … for login events; CREATE, UPDATE, DELETE, ACTION for admin events. */
  type: string;
  occurredAt: Date;
  realmId: string | null;
  realmName: string | null;
  clientId: string | null;
  userId: string | null;
  sessionId: string | null;
  ipAddress: string | null;
  /** Set for failures (LOGIN_ERROR and other *_ERROR events, failed admin operations). */
  error: string | null;
  resourceType: string | null;
  resourcePath: string | null;
  /** Every other key=value pair of the line (username, auth_method, redirect_uri, …). */
  details: Record<string, string | null>;
  /** Keycloak's own id of the event, when it came through its admin API (log lines carry none). */
  keycloakEventId?: string | null;
}

/** An event ready to store (see the auth_events table): the line it came from and where it was read. */
export interface AuthEventRow extends AuthEvent {
  line: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Stores Keycloak events once: the record's topic, partition and offset identify it, so a
 * redelivered batch inserts nothing twice; an event with Keycloak's id is also stored once however
 * often it was published (the event feed publishes at least once). Returns how many rows were new.
 */
export async function storeAuthEvents(client: SqlSession, rows: AuthEventRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return inTransaction(client, async () => {
    await client.query(`SET LOCAL ROLE ${INGEST_ROLE}`);
    const result = await client.query(
      `INSERT INTO auth_events (occurred_at, kind, type, realm_id, realm_name, client_id, user_id, session_id,
         ip_address, error, resource_type, resource_path, details, line, kafka_topic, kafka_partition, kafka_offset, keycloak_event_id)
       SELECT occurred_at, kind, type, realm_id, realm_name, client_id, user_id, session_id, ip_address, error,
         resource_type, resource_path, details, line, kafka_topic, kafka_partition, kafka_offset, keycloak_event_id
       FROM json_to_recordset($1::json) AS r(occurred_at timestamptz, kind text, type text, realm_id text,
         realm_name text, client_id text, user_id text, session_id text, ip_address text, error text,
         resource_type text, resource_path text, details jsonb, line text, kafka_topic text,
         kafka_partition integer, kafka_offset bigint, keycloak_event_id text)
       ON CONFLICT DO NOTHING`,
      [
        JSON.stringify(
          rows.map((row) => ({
            occurred_at: row.occurredAt,
            kind: row.kind,
            type: row.type,
            realm_id: row.realmId,
            realm_name: row.realmName,
            client_id: row.clientId,
            user_id: row.userId,
            session_id: row.sessionId,
            ip_address: row.ipAddress,
            error: row.error,
            resource_type: row.resourceType,
            resource_path: row.resourcePath,
            details: row.details,
            line: row.line,
            kafka_topic: row.topic,
            kafka_partition: row.partition,
            kafka_offset: row.offset,
            keycloak_event_id: row.keycloakEventId ?? null,
          })),
        ),
      ],
    );
    return result.rowCount ?? 0;
  });
}
