import { randomUUID } from 'node:crypto';
import { applyProjectionDelta, foldEvents, SEARCH_COLUMNS, TRAIL_PROJECTION } from '@meshtrail/audit-store';
import type { SqlSession } from '@meshtrail/database';
import { canonicalHash, type AuditCloudEvent } from '@meshtrail/contracts';

export interface FixtureEvent {
  id?: string;
  time: Date | string;
  workspace?: string | null;
  objectType: string;
  objectId: string;
  objectName?: string;
  action: string;
  actor: { kind: 'user' | 'apiKey' | 'system'; id: string; displayName: string };
  change: string;
  changes?: Array<{ field: string; from?: unknown; to?: unknown }>;
  source?: string;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The CloudEvent a platform component would publish for a fixture. */
export function fixtureCloudEvent(fixture: FixtureEvent): AuditCloudEvent {
  const time = typeof fixture.time === 'string' ? fixture.time : fixture.time.toISOString();
  return {
    specversion: '1.0',
    id: fixture.id ?? randomUUID(),
    source: fixture.source ?? 'meshstack/test',
    type: `meshstack.${fixture.objectType.toLowerCase()}.${fixture.action}`,
    subject: fixture.objectId,
    time,
    datacontenttype: 'application/json',
    data: {
      objectType: fixture.objectType,
      objectId: fixture.objectId,
      ...(fixture.objectName === undefined ? {} : { objectName: fixture.objectName }),
      action: fixture.action,
      ...(fixture.workspace ? { workspace: fixture.workspace } : {}),
      actor: fixture.actor,
      change: fixture.change,
      changes: fixture.changes ?? [],
    },
  } as AuditCloudEvent;
}

/**
 * Stores events into the real event store tables (audit_events and the audit_event_ids registry)
 * the way audit-ingest writes them, for query tests that need a known store. Events are given
 * their seq in array order.
 */
export async function storeAuditEvents(db: Queryable, fixtures: FixtureEvent[], batch = 1000): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < fixtures.length; start += batch) {
    const events = fixtures.slice(start, start + batch).map(fixtureCloudEvent);
    ids.push(...events.map((e) => e.id));
    await db.query(
      `WITH incoming AS (
         SELECT e, ord FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, ord)
       ), hashes AS (
         SELECT e, ord, h FROM incoming JOIN unnest($2::text[]) WITH ORDINALITY AS hs(h, hord) ON hord = ord
       ), stored AS (
         INSERT INTO audit_events (id, occurred_at, source, type, subject, object_type, object_id, object_name,
           action, workspace, actor_kind, actor_id, actor_name, change, changes, event, hash,
           kafka_topic, kafka_partition, kafka_offset)
         SELECT e->>'id', (e->>'time')::timestamptz, e->>'source', e->>'type', e->>'subject',
           e->'data'->>'objectType', e->'data'->>'objectId', e->'data'->>'objectName', e->'data'->>'action',
           e->'data'->>'workspace', e->'data'->'actor'->>'kind', e->'data'->'actor'->>'id',
           e->'data'->'actor'->>'displayName', e->'data'->>'change', e->'data'->'changes', e, h,
           -- as audit-ingest takes them: memberships only from the grants topic
           CASE WHEN e->'data'->>'objectType' = 'WorkspaceAccess' THEN 'fixture.access.grants.v1' ELSE 'fixture' END,
           0, ord
         FROM hashes ORDER BY ord
         RETURNING id, hash, occurred_at
       )
       INSERT INTO audit_event_ids (id, hash, occurred_at) SELECT id, hash, occurred_at FROM stored`,
      [JSON.stringify(events), events.map((e) => canonicalHash(e))],
    );
  }
  await projectStoredFixtures(db);
  return ids;
}

/**
 * Copies what was stored into the read model and moves the projection's position past it, in
 * one statement, as the projector in audit-ingest would (without folding memberships: the
 * grant and revoke helpers below keep those). Only for a test's own store, where no writer is in
 * flight: the projector proper never reads past the oldest transaction still in flight.
 */
export async function projectStoredFixtures(db: Queryable): Promise<void> {
  await db.query(
    `WITH position AS (SELECT xact_id, seq FROM projection_positions WHERE projection = $1 FOR UPDATE),
     moved AS (
       INSERT INTO audit_event_search (${SEARCH_COLUMNS})
       SELECT ${SEARCH_COLUMNS} FROM audit_events e
       WHERE (e.xact_id, e.seq) > (SELECT xact_id, seq FROM position)
       RETURNING xact_id, seq),
     last AS (SELECT xact_id, seq FROM moved ORDER BY xact_id DESC, seq DESC LIMIT 1)
     UPDATE projection_positions p SET xact_id = last.xact_id, seq = last.seq, projected_at = now()
     FROM last WHERE p.projection = $1`,
    [TRAIL_PROJECTION],
  );
}

/**
 * Folds the fixtures' Workspace events into the workspace-name projection with the projector's
 * own fold and writer (storeAuditEvents copies the read model only), in the order given.
 */
export async function projectWorkspaceNames(session: SqlSession, fixtures: FixtureEvent[]): Promise<void> {
  const named = fixtures.filter((fixture) => fixture.objectType === 'Workspace');
  await applyProjectionDelta(
    session,
    foldEvents(
      named.map((fixture, index) => ({
        seq: index + 1,
        occurredAt: new Date(fixture.time),
        objectType: fixture.objectType,
        objectId: fixture.objectId,
        objectName: fixture.objectName ?? null,
        action: fixture.action,
        workspace: fixture.workspace ?? null,
        fromGrantsTopic: false,
      })),
    ),
  );
}

/** A WorkspaceAccess event, and the projection row audit-ingest keeps for it. */
export async function grantWorkspaceRole(
  db: Queryable,
  workspace: string,
  userId: string,
  role: string,
  at = new Date(),
): Promise<string> {
  const [id] = await storeAuditEvents(db, [
    {
      time: at,
      workspace,
      objectType: 'WorkspaceAccess',
      objectId: userId,
      action: 'granted',
      actor: { kind: 'user', id: 'admin', displayName: 'admin' },
      change: `added ${userId} as ${role}`,
      changes: [{ field: 'role', to: role }],
    },
  ]);
  await db.query(
    `INSERT INTO workspace_memberships (workspace, user_id, role, since, granted_seq)
     VALUES ($1, $2, $3, $4, (SELECT max(seq) FROM audit_events)) ON CONFLICT DO NOTHING`,
    [workspace, userId, role, at],
  );
  return id;
}

export async function revokeWorkspaceRole(
  db: Queryable,
  workspace: string,
  userId: string,
  role: string,
  at = new Date(),
): Promise<void> {
  await storeAuditEvents(db, [
    {
      time: at,
      workspace,
      objectType: 'WorkspaceAccess',
      objectId: userId,
      action: 'revoked',
      actor: { kind: 'user', id: 'admin', displayName: 'admin' },
      change: `removed ${userId} as ${role}`,
      changes: [{ field: 'role', from: role }],
    },
  ]);
  await db.query(`DELETE FROM workspace_memberships WHERE workspace = $1 AND user_id = $2 AND role = $3`, [
    workspace,
    userId,
    role,
  ]);
}

export interface FixtureAuthEvent {
  time: Date;
  kind: 'login' | 'admin';
  type: string;
  userId?: string;
  username?: string;
  clientId?: string;
  ipAddress?: string;
  error?: string;
  resourcePath?: string;
}

/** Stores Keycloak events into the real auth_events table, as audit-ingest's Keycloak consumer does. */
export async function storeAuthEvents(db: Queryable, fixtures: FixtureAuthEvent[]): Promise<void> {
  for (const [i, e] of fixtures.entries()) {
    await db.query(
      `INSERT INTO auth_events (occurred_at, kind, type, realm_id, realm_name, client_id, user_id, session_id,
         ip_address, error, resource_type, resource_path, details, line, kafka_topic, kafka_partition, kafka_offset)
       VALUES ($1, $2, $3, 'realm-1', 'platform', $4, $5, $6, $7, $8, $9, $10, $11, $12, 'fixture', 0, $13)`,
      [
        e.time,
        e.kind,
        e.type,
        e.clientId ?? null,
        e.userId ?? null,
        e.userId ? `session-${i}` : null,
        e.ipAddress ?? null,
        e.error ?? null,
        e.resourcePath ? 'USER' : null,
        e.resourcePath ?? null,
        JSON.stringify(e.username ? { username: e.username } : {}),
        `type=${e.type}, realmId=realm-1, userId=${e.userId ?? 'null'}`,
        i,
      ],
    );
  }
}
