import { Client } from 'pg';
import { validateAuditEvent, type AuditCloudEvent } from '@meshtrail/contracts';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { probeAuditStore, storeAuditEvents } from './audit-event.store';
import { storeAuthEvents } from './auth-event.store';
import { projectTrail, projectTrailUntilCaughtUp } from './projections/project-trail';
import { rebuildProjections } from './projections/rebuild-projections';
import { INGEST_ROLE } from './sql-client';
import type { IncomingAuditEvent } from './stored-audit-event';

const now = new Date();
let offset = 0;

function incoming(
  id: string,
  data: Record<string, unknown>,
  time = new Date(now.getTime() - 60_000),
  topic = 'audit.events.v1',
): IncomingAuditEvent {
  const result = validateAuditEvent(
    {
      specversion: '1.0',
      id,
      source: 'test',
      type: 'meshstack.test',
      time: time.toISOString(),
      data: {
        actor: { kind: 'system', id: 'replicator', displayName: 'Replicator' },
        change: 'something happened',
        ...data,
      },
    },
    { now, maxFutureSkewMs: 60_000 },
  );
  if (!result.ok) throw new Error(result.message);
  return { ...result, topic, partition: 0, offset: String(offset++) };
}

const project = (id: string, action: string, objectId = id, workspace = 'acme') =>
  incoming(id, { objectType: 'Project', objectId, action, workspace });
const access = (
  id: string,
  action: 'granted' | 'revoked',
  userId: string,
  workspace: string,
  role: string,
  topic = 'test.access.grants.v1',
) =>
  incoming(
    id,
    {
      objectType: 'WorkspaceAccess',
      objectId: userId,
      action,
      workspace,
      changes: [{ field: 'role', ...(action === 'granted' ? { from: null, to: role } : { from: role, to: null }) }],
    },
    undefined,
    topic,
  );

describe('the audit event store (real PostgreSQL)', () => {
  let stack: TestStack;
  let client: Client;

  beforeAll(async () => {
    stack = await createTestStack('auditstore');
    client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await stack.teardown();
  });
  beforeEach(async () => {
    await stack.query(
      'TRUNCATE audit_events, audit_event_ids, audit_event_search, workspace_memberships, live_objects, object_counts',
    );
    await stack.query(`UPDATE projection_positions SET xact_id = '0', seq = 0`);
  });

  it('stores each event once: redeliveries are duplicates, changed content under a known id is a conflict', async () => {
    const first = [project('e1', 'created'), project('e2', 'updated'), project('e1', 'created')];
    const outcome = await storeAuditEvents(client, first);
    expect(outcome.stored.map((e) => e.event.id)).toEqual(['e1', 'e2']);
    expect(outcome.duplicates.map((e) => e.event.id)).toEqual(['e1']);

    const changed = project('e2', 'deleted');
    const again = await storeAuditEvents(client, [project('e1', 'created'), changed, project('e3', 'updated')]);
    expect(again.stored.map((e) => e.event.id)).toEqual(['e3']);
    expect(again.duplicates.map((e) => e.event.id)).toEqual(['e1']);
    expect(again.conflicts).toEqual([{ event: changed, storedHash: outcome.stored[1].hash }]);

    const rows = await stack.query<{ id: string; action: string; hash: string; seq: string }>(
      'SELECT id, action, hash, seq::text FROM audit_events ORDER BY audit_events.seq',
    );
    expect(rows.map((r) => [r.id, r.action])).toEqual([
      ['e1', 'created'],
      ['e2', 'updated'],
      ['e3', 'updated'],
    ]);
    expect(rows[1].hash).toBe(outcome.stored[1].hash);
    const [stored] = await stack.query<{ event: AuditCloudEvent; changes: unknown }>(
      `SELECT event, changes FROM audit_events WHERE id = 'e1'`,
    );
    expect(stored.event).toEqual(JSON.parse(JSON.stringify(first[0].event)));
  });

  it('numbers a batch in its own order, past a redelivered event and across digit boundaries', async () => {
    await storeAuditEvents(client, [project('b05', 'updated')]);
    const batch = Array.from({ length: 25 }, (_, i) => project(`b${String(i).padStart(2, '0')}`, 'updated'));
    const outcome = await storeAuditEvents(client, batch);
    expect(outcome.duplicates.map((e) => e.event.id)).toEqual(['b05']);

    // ordered by the bigint column, not by its text form
    const rows = await stack.query<{ id: string; seq: string }>(
      'SELECT id, seq::text FROM audit_events ORDER BY audit_events.seq',
    );
    expect(rows.map((r) => r.id)).toEqual(['b05', ...batch.map((e) => e.event.id).filter((id) => id !== 'b05')]);
    const seqs = rows.map((r) => Number(r.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('puts each event in the partition of its month', async () => {
    await storeAuditEvents(client, [project('m1', 'created'), project('m2', 'created', 'p', 'acme')]);
    const old = incoming(
      'm3',
      { objectType: 'Project', objectId: 'x', action: 'created', workspace: 'acme' },
      new Date('2001-05-05T00:00:00Z'),
    );
    await storeAuditEvents(client, [old]);
    const placed = await stack.query<{ id: string; part: string }>(
      'SELECT id, tableoid::regclass::text AS part FROM audit_events ORDER BY id',
    );
    const month = `audit_events_${now.toISOString().slice(0, 7).replace('-', '')}`;
    expect(placed).toEqual([
      { id: 'm1', part: month },
      { id: 'm2', part: month },
      { id: 'm3', part: 'audit_events_default' },
    ]);
  });

  it('lets the ingest role insert but never update or delete; nobody updates, the owner may delete (retention)', async () => {
    await storeAuditEvents(client, [project('r1', 'created')]);
    const attempt = async (sql: string, role?: string) => {
      await client.query('BEGIN');
      try {
        if (role) await client.query(`SET LOCAL ROLE ${role}`);
        await client.query(sql);
        return 'allowed';
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      } finally {
        await client.query('ROLLBACK');
      }
    };
    expect(await attempt(`UPDATE audit_events SET change = 'rewritten'`, INGEST_ROLE)).toMatch(
      /^42501: permission denied/,
    );
    expect(await attempt(`DELETE FROM audit_events`, INGEST_ROLE)).toMatch(/^42501: permission denied/);
    expect(await attempt(`DELETE FROM audit_event_ids`, INGEST_ROLE)).toMatch(/^42501: permission denied/);
    expect(await attempt(`UPDATE audit_event_ids SET hash = 'x'`, INGEST_ROLE)).toMatch(/^42501: permission denied/);
    expect(await attempt(`TRUNCATE audit_events`, INGEST_ROLE)).toMatch(/^42501: permission denied/);
    expect(await attempt(`UPDATE audit_events SET change = 'rewritten'`)).toMatch(/^42501: .*append-only/);
    expect(await attempt(`DELETE FROM audit_events`)).toBe('allowed');
    const [row] = await stack.query<{ change: string }>('SELECT change FROM audit_events');
    expect(row.change).toBe('something happened');
  });

  it('projects batch by batch into the projections, and a rebuild gives exactly the same', async () => {
    const batches = [
      [
        access('a1', 'granted', 'jane', 'acme', 'Workspace Manager'),
        access('a2', 'granted', 'bob', 'acme', 'Workspace Member'),
        project('p1', 'created'),
      ],
      [access('a3', 'revoked', 'bob', 'acme', 'Workspace Member'), project('p2', 'created'), project('p3', 'created')],
      [
        incoming('u1', { objectType: 'User', objectId: 'jane', action: 'deleted' }),
        access('a4', 'granted', 'jane', 'globex', 'Workspace Owner'),
      ],
      [
        project('p1-gone', 'deleted', 'p1'),
        project('p2-gone', 'remove', 'p2'),
        incoming('t1', { objectType: 'Tenant', objectId: 't1', action: 'add', workspace: 'acme' }),
      ],
      [
        access('a5', 'granted', 'joe', 'acme', 'Workspace Member'),
        access('a5', 'granted', 'joe', 'acme', 'Workspace Member'),
        // stored from the general topic (as before audit-ingest refused them there): grants nothing
        access('a6', 'granted', 'mallory', 'acme', 'Workspace Owner', 'test.audit.events.v1'),
        access('a7', 'revoked', 'joe', 'acme', 'Workspace Member', 'test.audit.events.v1'),
      ],
    ];
    for (const batch of batches) {
      await storeAuditEvents(client, batch);
      // until caught up: other suites' transactions in the cluster may hold the projector back a moment
      expect(await projectTrailUntilCaughtUp(client)).toBeGreaterThan(0);
    }
    const snapshot = async () => ({
      memberships: await stack.query(
        'SELECT workspace, user_id, role, since, granted_seq::text FROM workspace_memberships ORDER BY 1, 2, 3',
      ),
      objects: await stack.query('SELECT object_type, object_id FROM live_objects ORDER BY 1, 2'),
      counts: await stack.query('SELECT object_type, count::text FROM object_counts ORDER BY 1'),
    });
    const incremental = await snapshot();
    expect(incremental.memberships.map((m) => `${m.workspace}/${m.user_id}/${m.role}`)).toEqual([
      'acme/joe/Workspace Member',
      'globex/jane/Workspace Owner',
    ]);
    expect(incremental.counts).toEqual([
      { object_type: 'Project', count: '1' },
      { object_type: 'Tenant', count: '1' },
    ]);

    const report = await rebuildProjections(client);
    expect(report).toMatchObject({ memberships: 2, objectTypes: 2 });
    expect(await snapshot()).toEqual(incremental);
    // chunks that cut across the original batches fold to the same result
    await rebuildProjections(client, { chunkSize: 2 });
    expect(await snapshot()).toEqual(incremental);
  });

  it('lets writers commit without waiting for each other, and never projects past a writer still in flight', async () => {
    const slow = new Client({ connectionString: stack.databaseUrl });
    await slow.connect();
    const searched = async () =>
      (await stack.query<{ id: string }>('SELECT id FROM audit_event_search ORDER BY xact_id, seq')).map((r) => r.id);
    try {
      // a writer that began first and has not committed yet (its transaction id is the older one)
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO audit_events (seq, id, occurred_at, source, type, object_type, object_id, action, actor_kind,
           actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
         VALUES (nextval('audit_events_seq'), 'slow-1', now(), 'test', 'meshstack.test', 'Project', 'p-slow',
           'created', 'system', 'replicator', 'slow', '{}', 'h', 'audit.events.v1', 1, 0)`,
      );
      // another writer stores and commits meanwhile: no lock makes it wait for the first
      const outcome = await storeAuditEvents(client, [project('fast-1', 'created'), project('fast-2', 'created')]);
      expect(outcome.stored).toHaveLength(2);
      expect(await stack.query('SELECT id FROM audit_events ORDER BY id')).toEqual([
        { id: 'fast-1' },
        { id: 'fast-2' },
      ]);

      // committed, but behind a transaction still in flight: not projected yet, so not skipped later
      expect(await projectTrail(client)).toMatchObject({ ran: true, projected: 0 });
      expect(await searched()).toEqual([]);

      await slow.query('COMMIT');
      expect(await projectTrailUntilCaughtUp(client)).toBe(3);
      expect(await searched()).toEqual(['slow-1', 'fast-1', 'fast-2']);
      expect(await projectTrail(client)).toMatchObject({ ran: true, projected: 0 });
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      await slow.end();
    }
  });

  it('projects steps that hold only updates (which the fold does not read back): every row, the position at the last', async () => {
    await storeAuditEvents(client, [project('c1', 'created', 'p9')]);
    await storeAuditEvents(client, [
      project('u1', 'updated', 'p9'),
      project('u2', 'updated', 'p9'),
      project('u3', 'updated', 'p9'),
    ]);
    await storeAuditEvents(client, [project('d1', 'deleted', 'p9'), project('u4', 'updated', 'p8')]);
    const order = await stack.query<{ id: string; xact_id: string; seq: string }>(
      'SELECT id, xact_id::text, seq::text FROM audit_events ORDER BY xact_id, seq',
    );
    const steps: Array<{ projected: number; position: unknown }> = [];
    // other suites' transactions in the cluster may hold a step back: poll with a deadline
    const deadline = Date.now() + 30_000;
    while (steps.reduce((sum, step) => sum + step.projected, 0) < order.length && Date.now() < deadline) {
      const step = await projectTrail(client, 2);
      if (step.projected > 0) steps.push({ projected: step.projected, position: step.position });
    }
    // steps of two: [c1 u1] [u2 u3] (updates only) [d1 u4]
    expect(steps).toEqual(
      [1, 3, 5].map((last) => ({
        projected: 2,
        position: { xactId: order[last].xact_id, seq: order[last].seq },
      })),
    );
    expect(await stack.query('SELECT id FROM audit_event_search ORDER BY xact_id, seq')).toEqual(
      order.map(({ id }) => ({ id })),
    );
    // created then deleted: p9 no longer counts; p8 was only ever updated
    expect(await stack.query('SELECT object_type, object_id FROM live_objects')).toEqual([]);
  });

  it('projects with one projector at a time: another one skips its turn', async () => {
    await storeAuditEvents(client, [project('one-1', 'created')]);
    const other = new Client({ connectionString: stack.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(7281930004)');
      expect(await projectTrail(client)).toMatchObject({ ran: false, projected: 0 });
      await other.query('COMMIT');
      expect(await projectTrailUntilCaughtUp(client)).toBe(1);
    } finally {
      await other.end();
    }
  });

  it('stores a Keycloak record once, however often it is delivered', async () => {
    const row = {
      occurredAt: new Date(),
      kind: 'login' as const,
      type: 'LOGIN_ERROR',
      realmId: 'master',
      realmName: null,
      clientId: 'web',
      userId: null,
      sessionId: null,
      ipAddress: '10.0.0.1',
      error: 'invalid_user_credentials',
      resourceType: null,
      resourcePath: null,
      details: { username: 'jane' },
      line: 'type=LOGIN_ERROR, realmId=master',
      topic: 'keycloak.events.raw.v1',
      partition: 1,
      offset: '7',
    };
    expect(await storeAuthEvents(client, [row])).toBe(1);
    expect(await storeAuthEvents(client, [row, { ...row, offset: '8' }])).toBe(1);
    const rows = await stack.query<{ error: string; details: unknown }>('SELECT error, details FROM auth_events');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ error: 'invalid_user_credentials', details: { username: 'jane' } });
  });

  it("stores an event of Keycloak's event feed once per Keycloak id, whatever offsets it was published at", async () => {
    const row = {
      occurredAt: new Date(Date.now() - 5000),
      kind: 'login' as const,
      type: 'LOGIN_ERROR',
      realmId: '9655f7db-baa8-4a0e-94dc-ee98351e9edb',
      realmName: 'meshtrail',
      clientId: 'meshtrail-cli',
      userId: 'u-max',
      sessionId: null,
      ipAddress: '127.0.0.1',
      error: 'invalid_user_credentials',
      resourceType: null,
      resourcePath: null,
      details: { username: 'max' },
      keycloakEventId: '3b87c78b-3a1c-425e-bdfa-108574954155',
      line: '{"feed":"keycloak-admin-api"}',
      topic: 'keycloak.events.raw.v1',
      partition: 2,
      offset: '40',
    };
    const count = async () =>
      (
        await stack.query<{ n: string }>('SELECT count(*)::text AS n FROM auth_events WHERE keycloak_event_id = $1', [
          row.keycloakEventId,
        ])
      )[0].n;
    expect(await storeAuthEvents(client, [row])).toBe(1);
    // published again after a crash (another offset, another partition), and twice within one batch
    expect(
      await storeAuthEvents(client, [
        { ...row, offset: '41' },
        { ...row, partition: 0, offset: '3' },
      ]),
    ).toBe(0);
    expect(await count()).toBe('1');
    // the same id of the other kind is another event
    expect(await storeAuthEvents(client, [{ ...row, kind: 'admin', type: 'CREATE', offset: '42' }])).toBe(1);
  });

  it('probes the write path without keeping anything, and fails the probe when the write path is broken', async () => {
    const count = async () =>
      (
        await client.query<{ events: string; ids: string }>(
          'SELECT (SELECT count(*) FROM audit_events)::text AS events, (SELECT count(*) FROM audit_event_ids)::text AS ids',
        )
      ).rows[0];
    const before = await count();
    await probeAuditStore(client, project('probe-1', 'created'));
    expect(await count()).toEqual(before);

    // a deployment whose migration added a column the writer does not fill
    await client.query('ALTER TABLE audit_events ADD COLUMN probe_required text NOT NULL');
    try {
      await expect(probeAuditStore(client, project('probe-2', 'created'))).rejects.toMatchObject({ code: '23502' });
    } finally {
      await client.query('ALTER TABLE audit_events DROP COLUMN probe_required');
    }
    expect(await count()).toEqual(before);
  });
});
