import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import { applyProjectionDelta, foldEvents } from '@meshtrail/audit-store';
import { DatabaseConnection } from '@meshtrail/database';
import { ApiError, type Principal } from '@meshtrail/auth';
import { text } from 'node:stream/consumers';
import { finished } from 'node:stream/promises';
import { Client } from 'pg';
import {
  storeAuditEvents,
  storeAuthEvents,
  type FixtureAuthEvent,
  type FixtureEvent,
} from '../../../../test/support/audit-events';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { AuditViewRecorder } from './audit/audit-view.recorder';
import { GatewayEnv } from '../gateway.env';
import { readLimitsOf } from '../read-limits/read-limits-of';
import { ReadSlots } from '../read-limits/read-slots';
import { EventQueryService, type ReadContext } from './event-query.service';
import { exportTransform } from './export/export-format';
import { CursorCodec } from './query/cursor';
import { EventStoreReader } from './store/event-store.reader';
import { WorkspaceNamesReader } from '../workspaces/workspace-names.reader';

const admin: Principal = { kind: 'user', id: 'admin-1', name: 'root', admin: true, workspaces: [] };
const managerA: Principal = { kind: 'user', id: 'u-a', name: 'anna', admin: false, workspaces: ['ws-a'] };
const keyB: Principal = { kind: 'apiKey', id: 'k-b', name: 'siem-b', admin: false, workspaces: ['ws-b'] };
const managerAC: Principal = { kind: 'user', id: 'u-ac', name: 'carl', admin: false, workspaces: ['ws-a', 'ws-c'] };
const nobody: Principal = { kind: 'user', id: 'u-0', name: 'nobody', admin: false, workspaces: [] };
const ctx = (principal: Principal): ReadContext => ({ principal, sourceIp: '127.0.0.1' });

const base = Date.parse('2026-01-10T12:00:00Z');
const actors = [
  { kind: 'user' as const, id: 'jane@example.com', displayName: 'Jane Doe' },
  { kind: 'user' as const, id: 'u-bob', displayName: 'bob@example.com' },
  { kind: 'system' as const, id: 'replicator', displayName: 'Replicator' },
];
const types = ['Project', 'LandingZone', 'Tenant', 'BuildingBlock'];
const actions = ['created', 'updated', 'deleted'];

/** 40 events in ws-a, 25 in ws-b, 10 in ws-c, 5 global; every third pair shares a timestamp (the seq breaks the tie). */
function dataset(): FixtureEvent[] {
  const events: FixtureEvent[] = [];
  const add = (workspace: string | null, count: number) => {
    for (let i = 0; i < count; i++) {
      const n = events.length;
      events.push({
        id: `${workspace ?? 'global'}-${i}`,
        time: new Date(base + Math.floor(n / 2) * 60_000 - (n % 3 === 0 ? 0 : 1)),
        workspace,
        objectType: workspace ? types[n % types.length] : 'AdminSettings',
        objectId: `${workspace ?? 'global'}-obj-${i % 5}`,
        objectName: `Object ${i % 5} of ${workspace ?? 'global'}`,
        action: actions[n % actions.length],
        actor: actors[n % actors.length],
        change:
          n % 7 === 0 ? `moved to Landing Zone 100%_safe in ${workspace}` : `changed quota of ${workspace} to ${n}`,
        source: n % 2 ? 'meshstack/project-service' : 'meshstack/workspace-service',
      });
    }
  };
  add('ws-a', 40);
  add('ws-b', 25);
  add('ws-c', 10);
  add(null, 5);
  // older months, so text searches go back month by month
  for (let i = 0; i < 6; i++) {
    events.push({
      id: `old-${i}`,
      time: new Date(Date.UTC(2025, 8 + (i % 3), 10 + i)),
      workspace: i % 2 ? 'ws-a' : 'ws-b',
      objectType: 'LandingZone',
      objectId: `lz-old-${i}`,
      action: 'updated',
      actor: actors[0],
      change: `moved to Landing Zone 100%_safe in the past (${i})`,
    });
  }
  return events;
}

const [readLimits, durations] = readLimitsOf(new GatewayEnv());

describe('EventQueryService (real PostgreSQL event store, real Kafka for AuditLogViewed)', () => {
  let stack: TestStack;
  let connection: DatabaseConnection;
  let service: EventQueryService;
  let all: FixtureEvent[];
  let logins: FixtureAuthEvent[];
  let recorder: AuditViewRecorder;
  let producer: KafkaProducer;

  beforeAll(async () => {
    stack = await createTestStack('eventquery');
    all = dataset();
    await storeAuditEvents({ query: (sql, params) => stack.query(sql, params) }, all);
    // ws-a has a name (the workspace-name projection, as the projector folds it)
    const pg = new Client({ connectionString: stack.databaseUrl });
    await pg.connect();
    await applyProjectionDelta(
      pg,
      foldEvents([
        {
          seq: 1,
          occurredAt: new Date(),
          objectType: 'Workspace',
          objectId: 'ws-a',
          objectName: 'Alpha',
          action: 'created',
          fromGrantsTopic: false,
        },
      ]),
    );
    await pg.end();
    // Keycloak events, some at the very instants of audit events (audit comes first there)
    logins = [0, 7, 8, 30, 31, 60].map((n, i) => ({
      time: new Date(all[n].time),
      kind: i === 5 ? ('admin' as const) : ('login' as const),
      type: i === 5 ? 'UPDATE' : i % 2 ? 'LOGIN_ERROR' : 'LOGIN',
      userId: i % 2 ? 'kc-user-2' : 'kc-user-1',
      username: i % 2 ? 'mallory' : 'jane.kc',
      clientId: 'meshstack-panel',
      ipAddress: `10.0.0.${i}`,
      error: i % 2 ? 'invalid_user_credentials' : undefined,
      resourcePath: i === 5 ? 'users/kc-user-2' : undefined,
    }));
    await storeAuthEvents({ query: (sql, params) => stack.query(sql, params) }, logins);
    connection = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 4, applicationName: 'query-test' });
    producer = new KafkaProducer(createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'query-test'));
    recorder = new AuditViewRecorder(
      producer,
      {
        topicPrefix: stack.topicPrefix,
        clientId: 'query-test',
        connection: { KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false },
      },
      10_000,
    );
    service = queryService(5000);
  });

  /** The service over the test store, its queries stopped after `statementTimeoutMs`. */
  function queryService(
    statementTimeoutMs: number,
    slots = new ReadSlots(readLimits),
    exportTimeoutMs = durations.exportTimeoutMs,
  ): EventQueryService {
    return new EventQueryService(
      new EventStoreReader(connection, {
        statementTimeoutMs,
        exportIdleTimeoutMs: 10_000,
        exportStatementTimeoutMs: 60_000,
        exportBatchSize: 7,
        textSearchWindow: 4,
        feedScanRows: 5,
      }),
      new CursorCodec(Buffer.from('integration-test-cursor-secret-0123456789')),
      recorder,
      50,
      slots,
      { ...durations, exportTimeoutMs },
      new WorkspaceNamesReader(connection),
    );
  }
  afterAll(async () => {
    await producer?.close();
    await connection.onApplicationShutdown();
    await stack.teardown();
  });

  /** Every page of a listing, following cursors. */
  async function everything(principal: Principal, params: Record<string, unknown>, limit = 7): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await service.list(ctx(principal), { ...params, limit, cursor });
      ids.push(...page.events.map((e) => e.id));
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('too many pages');
  }

  async function exported(principal: Principal, params: Record<string, string>): Promise<string[]> {
    const rows = await service.export(ctx(principal), params, 'ndjson');
    const out = await text(rows.pipe(exportTransform('ndjson')));
    return out.trimEnd() === ''
      ? []
      : out
          .trimEnd()
          .split('\n')
          .map((line) => (JSON.parse(line) as { id: string }).id);
  }

  async function refusal(run: () => Promise<unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
    return { status: error.getStatus(), body: error.getResponse() as Record<string, unknown> };
  }

  const newestFirst = (events: FixtureEvent[]) =>
    events
      .map((e, seq) => ({ id: e.id!, t: new Date(e.time).getTime(), seq }))
      .sort((x, y) => y.t - x.t || y.seq - x.seq)
      .map((e) => e.id);

  /** Audit events and auth events in trail order: newest first, audit before auth at one instant. */
  const trail = (audit: FixtureEvent[], auth: (e: FixtureAuthEvent) => boolean) =>
    [
      ...audit.map((e) => ({ key: e.id!, t: new Date(e.time).getTime(), rank: 1, seq: all.indexOf(e) })),
      ...logins
        .map((e, seq) => ({ e, key: `auth:${seq}`, t: e.time.getTime(), rank: 0, seq }))
        .filter(({ e }) => auth(e)),
    ]
      .sort((x, y) => y.t - x.t || y.rank - x.rank || y.seq - x.seq)
      .map((e) => e.key);
  const keyOf = (e: { id: string; kind: string; actor: { id: string }; sourceIp: string | null }) =>
    e.kind === 'auth' ? `auth:${Number(e.sourceIp!.split('.')[3])}` : e.id;

  async function everythingKeyed(principal: Principal, params: Record<string, unknown>, limit = 7): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await service.list(ctx(principal), { ...params, limit, cursor });
      keys.push(...page.events.map(keyOf));
      if (!page.nextCursor) return keys;
      cursor = page.nextCursor;
    }
    throw new Error('too many pages');
  }

  it('gives an admin every event, audit and Keycloak, newest first, across cursor pages without gaps or repeats', async () => {
    expect(await everythingKeyed(admin, {}, 7)).toEqual(trail(all, () => true));
    expect(await everythingKeyed(admin, {}, 1)).toEqual(trail(all, () => true));
    expect((await service.list(ctx(admin), { limit: 1, count: true })).total).toBe(all.length + logins.length);
  });

  it('filters Keycloak events by kind, actor and text, and never shows them to managers or keys', async () => {
    expect(await everythingKeyed(admin, { kind: 'auth' }, 2)).toEqual(trail([], () => true));
    expect(await everythingKeyed(admin, { q: '-kind:auth' }, 1000)).toEqual(trail(all, () => false));
    expect(await everythingKeyed(admin, { actor: 'mallory' }, 1000)).toEqual(
      trail([], (l) => l.username === 'mallory'),
    );
    expect(await everythingKeyed(admin, { kind: 'auth', change: 'invalid_user_credentials' }, 1000)).toEqual(
      trail([], (l) => l.error !== undefined),
    );
    // a condition only audit events can meet leaves Keycloak's out
    expect((await everythingKeyed(admin, { action: 'created' }, 1000)).some((k) => k.startsWith('auth:'))).toBe(false);
    expect(await everythingKeyed(managerA, { kind: 'auth' }, 1000)).toEqual([]);
    expect((await everythingKeyed(managerA, {}, 1000)).some((k) => k.startsWith('auth:'))).toBe(false);
    const page = await service.list(ctx(admin), { kind: 'auth', limit: 1 });
    const [event] = page.events;
    expect(event).toMatchObject({ kind: 'auth', source: 'keycloak', workspace: null, hash: null });
    expect(await service.get(ctx(admin), event.id)).toMatchObject({
      id: event.id,
      event: { line: expect.any(String) },
    });
    expect((await refusal(() => service.get(ctx(managerA), event.id))).status).toBe(404);
  });

  it('exports audit and Keycloak events merged in trail order', async () => {
    const ndjson = await text((await service.export(ctx(admin), {}, 'ndjson')).pipe(exportTransform('ndjson')));
    const keys = ndjson
      .trimEnd()
      .split('\n')
      .map((line) =>
        keyOf(JSON.parse(line) as { id: string; kind: string; actor: { id: string }; sourceIp: string | null }),
      );
    expect(keys).toEqual(trail(all, () => true));
  });

  it('gives a manager exactly their workspace, on every path: list, cursor pages, q, export', async () => {
    const expected = newestFirst(all.filter((e) => e.workspace === 'ws-a'));
    expect(await everything(managerA, {})).toEqual(expected);
    expect(await everything(managerA, { workspace: 'ws-a' })).toEqual(expected);
    expect(await everything(managerA, { q: 'workspace:ws-a' }, 1000)).toEqual(expected);
    expect(await exported(managerA, {})).toEqual(expected);
    expect(await exported(managerA, { q: '-workspace:ws-b' })).toEqual(expected);
    // a negation never widens the scope: everything outside ws-a that a manager of ws-a may see is nothing
    expect(await everything(managerA, { q: '-workspace:ws-a' })).toEqual([]);
    // text that names another workspace finds only this workspace's events
    expect(await everything(managerA, { q: '"ws-b"' })).toEqual([]);
  });

  it('ends an export that outlives EXPORT_TIMEOUT_MS, and gives its slot back', async () => {
    const slots = new ReadSlots(readLimits);
    const short = queryService(5000, slots, 300);
    // nobody reads it: it stalls on backpressure, as behind a slow client
    const rows = await short.export(ctx(managerA), {}, 'ndjson');
    expect(slots.runningCount('export')).toBe(1);
    await expect(finished(rows)).rejects.toThrow(/EXPORT_TIMEOUT_MS/);
    expect(slots.runningCount('export')).toBe(0);
  });

  it('exports NDJSON lines equal to the events the list API returns, and CSV rows of the same values', async () => {
    const page = await service.list(ctx(managerA), { limit: 1000 });
    const ndjson = await text((await service.export(ctx(managerA), {}, 'ndjson')).pipe(exportTransform('ndjson')));
    const lines = ndjson
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual(JSON.parse(JSON.stringify(page.events)));
    expect(page.events[0].time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const csv = await text((await service.export(ctx(managerA), {}, 'csv')).pipe(exportTransform('csv')));
    const [header, first] = csv.split('\r\n');
    expect(header).toBe(
      '"id","kind","time","workspace","objectType","objectId","objectName","action","actorKind","actorId","actorName","change","changes","source","type","subject","sourceIp","correlationId","ingestedAt","hash","workspaceName"',
    );
    const newest = page.events[0];
    expect(
      first.startsWith(`"${newest.id}","audit","${newest.time}","ws-a","${newest.objectType}","${newest.objectId}",`),
    ).toBe(true);
    expect(newest.workspaceName).toBe('Alpha');
    expect(first.endsWith(`,"${newest.ingestedAt}","${newest.hash}","Alpha"`)).toBe(true);
  });

  it('merges the newest events of a multi-workspace scope in one order', async () => {
    const expected = newestFirst(all.filter((e) => e.workspace === 'ws-a' || e.workspace === 'ws-c'));
    expect(await everything(managerAC, {}, 6)).toEqual(expected);
    expect(await everything(managerAC, { action: 'deleted' }, 4)).toEqual(
      newestFirst(all.filter((e) => (e.workspace === 'ws-a' || e.workspace === 'ws-c') && e.action === 'deleted')),
    );
  });

  it('scopes an API key to its workspaces like a manager', async () => {
    expect(await everything(keyB, {})).toEqual(newestFirst(all.filter((e) => e.workspace === 'ws-b')));
  });

  it('refuses with 403 a filter naming a workspace outside the scope, through parameters and q alike', async () => {
    for (const params of [{ workspace: 'ws-b' }, { q: 'workspace:ws-b' }, { q: 'workspace:ws-a workspace:ws-b' }]) {
      const { status, body } = await refusal(() => service.list(ctx(managerA), params));
      expect(status).toBe(403);
      expect(body).toMatchObject({ code: 'QUERY.FORBIDDEN', workspaces: ['ws-b'] });
    }
    expect((await refusal(() => service.export(ctx(managerA), { workspace: 'ws-b' }, 'csv'))).status).toBe(403);
    expect((await refusal(() => service.list(ctx(nobody), {}))).status).toBe(403);
  });

  it('answers 404 alike for a missing event and for one outside the scope', async () => {
    expect((await service.get(ctx(managerA), 'ws-a-3')).workspace).toBe('ws-a');
    expect((await service.get(ctx(admin), 'ws-b-3')).event).toMatchObject({ id: 'ws-b-3', specversion: '1.0' });
    for (const id of ['ws-b-3', 'global-1', 'no-such-event']) {
      const { status, body } = await refusal(() => service.get(ctx(managerA), id));
      expect(status).toBe(404);
      expect(body.message).toBe(`no event ${JSON.stringify(id)} that you may read`);
    }
  });

  it('re-applies the scope to every page: a cursor from a wider scope shows nothing more', async () => {
    const adminPage = await service.list(ctx(admin), { limit: 5 });
    const page = await service.list(ctx(managerA), { cursor: adminPage.nextCursor!, limit: 1000 });
    expect(page.events.length).toBeGreaterThan(0);
    expect(page.events.every((e) => e.workspace === 'ws-a')).toBe(true);
  });

  it('refuses a cursor used with other filters, or altered', async () => {
    const page = await service.list(ctx(managerA), { action: 'created', limit: 2 });
    expect(
      (await refusal(() => service.list(ctx(managerA), { action: 'deleted', cursor: page.nextCursor! }))).body,
    ).toMatchObject({
      parameter: 'cursor',
    });
    const [body, mac] = page.nextCursor!.split('.');
    const forged = `${body.slice(0, -2)}${body.endsWith('AA') ? 'AB' : 'AA'}.${mac}`;
    expect(
      (await refusal(() => service.list(ctx(managerA), { action: 'created', cursor: forged }))).body,
    ).toMatchObject({
      parameter: 'cursor',
    });
  });

  it('filters by object type and action, actor (id, name or e-mail, any case), object, source and time', async () => {
    const ids = async (params: Record<string, unknown>) => (await everything(admin, params, 1000)).sort();
    const expect_ = (predicate: (e: FixtureEvent) => boolean) =>
      all
        .filter(predicate)
        .map((e) => e.id!)
        .sort();
    expect(await ids({ objectType: 'landingzone', action: 'delete' })).toEqual(
      expect_((e) => e.objectType === 'LandingZone' && e.action === 'deleted'),
    );
    expect(await ids({ actor: 'jane@example.com' })).toEqual(expect_((e) => e.actor.id === 'jane@example.com'));
    expect(await ids({ actor: 'JANE DOE' })).toEqual(expect_((e) => e.actor.id === 'jane@example.com'));
    expect(await ids({ q: 'actor:BOB@example.com' })).toEqual(expect_((e) => e.actor.id === 'u-bob'));
    expect(await ids({ objectId: 'ws-b-obj-2' })).toEqual(expect_((e) => e.objectId === 'ws-b-obj-2'));
    expect(await ids({ objectName: 'object 2 OF ws-b' })).toEqual(expect_((e) => e.objectId === 'ws-b-obj-2'));
    expect(await ids({ source: 'meshstack/project-service', workspace: 'ws-c' })).toEqual(
      expect_((e) => e.source === 'meshstack/project-service' && e.workspace === 'ws-c'),
    );
    const from = new Date(base + 10 * 60_000);
    const to = new Date(base + 20 * 60_000);
    expect(await ids({ kind: 'audit', from: from.toISOString(), to: to.toISOString() })).toEqual(
      expect_((e) => new Date(e.time) >= from && new Date(e.time) < to),
    );
    expect(await ids({ q: `kind:audit created:>=${from.toISOString()} created:<${to.toISOString()}` })).toEqual(
      expect_((e) => new Date(e.time) >= from && new Date(e.time) < to),
    );
  });

  it('pages through a text search that the newest events cannot fill, month by month, in order', async () => {
    const matching = newestFirst(all.filter((e) => e.change.toLowerCase().includes('landing zone')));
    expect(matching.length).toBeGreaterThan(8);
    expect(await everything(admin, { change: 'Landing Zone' }, 2)).toEqual(matching);
    expect(await everything(managerA, { q: '"landing zone"' }, 3)).toEqual(
      newestFirst(all.filter((e) => e.workspace === 'ws-a' && e.change.toLowerCase().includes('landing zone'))),
    );
    expect(await everything(admin, { change: 'landing zone', to: '2025-11-01' }, 2)).toEqual(
      newestFirst(all.filter((e) => e.id!.startsWith('old-') && new Date(e.time) < new Date('2025-11-01'))),
    );
  });

  it('finds a rare phrase through the part of it the trigram index is asked for, checking the whole phrase', async () => {
    for (const phrase of ['quota of ws-a to 1', 'Zone 100%_safe in ws-c', 'in the past (4)']) {
      const matching = newestFirst(all.filter((e) => e.change.toLowerCase().includes(phrase.toLowerCase())));
      expect(matching.length).toBeGreaterThan(0);
      // pages of 2 cannot be filled from the window of 4 candidates: every page goes through the index
      expect(await everything(admin, { change: phrase }, 2)).toEqual(matching);
    }
  });

  it('finds a rare phrase in an event older than the oldest the reader remembers (that only splits the work)', async () => {
    const reader = queryService(5000);
    const phrase = 'archived with the first tenant';
    // the reader searches earlier months once, and remembers the store's oldest event
    expect(await reader.list(ctx(admin), { change: phrase, limit: 2 })).toMatchObject({ events: [] });
    const ancient: FixtureEvent = {
      id: 'ancient-1',
      time: new Date(Date.UTC(2023, 2, 5)),
      workspace: 'ws-a',
      objectType: 'Tenant',
      objectId: 'tenant-ancient',
      action: 'deleted',
      actor: actors[0],
      change: `${phrase} of ws-a`,
    };
    await storeAuditEvents({ query: (sql, params) => stack.query(sql, params) }, [ancient]);
    all.push(ancient);
    expect((await reader.list(ctx(admin), { change: phrase, limit: 2 })).events.map((e) => e.id)).toEqual([
      'ancient-1',
    ]);
  });

  it('reads the change lines from the workspace index for a text no trigram narrows, across months and pages', async () => {
    const withText = (keep: (change: string) => boolean) =>
      newestFirst(all.filter((e) => keep(e.change.toLowerCase())));
    // two letters between wildcards have no trigram: found in old months and the ancient one
    // (audit events only: Keycloak's have lines of their own)
    const st = withText((c) => c.includes('st'));
    expect(st.length).toBeGreaterThan(5);
    expect(await everything(admin, { change: 'ST', kind: 'audit' }, 2)).toEqual(st);
    expect(await everything(admin, { change: 'st', kind: 'audit', to: '2025-10-15' }, 1)).toEqual(
      newestFirst(all.filter((e) => e.change.includes('st') && new Date(e.time) < new Date('2025-10-15'))),
    );
    // pages larger than the window's matches, for a text every sampled line holds the trigrams of
    expect(await everything(admin, { change: 'quota of', kind: 'audit' }, 5)).toEqual(
      withText((c) => c.includes('quota of')),
    );
    expect(await everything(admin, { q: '"quota of" -"to 1" kind:audit -workspace:ws-b' }, 5)).toEqual(
      newestFirst(
        all.filter((e) => e.change.includes('quota of') && !e.change.includes('to 1') && e.workspace !== 'ws-b'),
      ),
    );
    // % and _ are plain characters there too
    expect(await everything(admin, { change: '0%_s', kind: 'audit' }, 3)).toEqual(withText((c) => c.includes('0%_s')));
  });

  it('keeps prepared pages right while month partitions are created and dropped', async () => {
    const reader = queryService(5000);
    const newestOfWsA = async () => (await reader.list(ctx(managerA), { limit: 2 })).events.map((e) => e.id);
    const before = await newestOfWsA();
    // past the executions after which the server may keep a generic plan of the statement
    for (let i = 0; i < 7; i++) expect(await newestOfWsA()).toEqual(before);
    const future: FixtureEvent = {
      id: 'future-1',
      time: new Date(Date.UTC(2031, 2, 10)),
      workspace: 'ws-a',
      objectType: 'Project',
      objectId: 'p-future',
      action: 'created',
      actor: actors[0],
      change: 'created project p-future',
    };
    await storeAuditEvents({ query: (sql, params) => stack.query(sql, params) }, [future]);
    for (const table of ['audit_events', 'audit_event_search']) {
      await stack.query(`SELECT meshtrail_ensure_monthly_partitions($1, '2031-03-01', 1)`, [table]);
    }
    expect(await newestOfWsA()).toEqual(['future-1', before[0]]);
    await stack.query('DROP TABLE audit_event_search_203103, audit_events_203103');
    expect(await newestOfWsA()).toEqual(before);
  });

  it("searches workspaces' change lines from their index, across cursor pages, with negations", async () => {
    const inWs = (workspace: string, keep: (change: string) => boolean) =>
      newestFirst(all.filter((e) => e.workspace === workspace && keep(e.change.toLowerCase())));
    expect(await everything(admin, { workspace: 'ws-b', change: 'QUOTA' }, 4)).toEqual(
      inWs('ws-b', (c) => c.includes('quota')),
    );
    expect(await everything(keyB, { q: 'quota -"to 5"' }, 3)).toEqual(
      inWs('ws-b', (c) => c.includes('quota') && !c.includes('to 5')),
    );
    expect(await everything(managerAC, { change: 'Landing' }, 2)).toEqual(
      newestFirst(all.filter((e) => ['ws-a', 'ws-c'].includes(e.workspace!) && e.change.includes('Landing'))),
    );
    expect(await everything(managerA, { change: 'found nowhere' }, 5)).toEqual([]);
  });

  it('answers a query stopped by the statement timeout with a 503 naming the limit', async () => {
    const impatient = queryService(300);
    const locker = new Client({ connectionString: stack.databaseUrl });
    await locker.connect();
    try {
      // a lock held elsewhere keeps the page query waiting until its timeout stops it
      await locker.query('BEGIN; LOCK TABLE audit_event_search IN ACCESS EXCLUSIVE MODE');
      const error = await impatient.list(ctx(admin), { limit: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).getStatus()).toBe(503);
      expect((error as ApiError).getResponse()).toMatchObject({
        code: 'QUERY.TIMEOUT',
        timeoutMs: 300,
        message: expect.stringContaining('longer than 300 ms (QUERY_TIMEOUT_MS)'),
      });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  it('finds change-line substrings case-insensitively, with % and _ as plain characters', async () => {
    const landing = all
      .filter((e) => e.change.includes('Landing Zone'))
      .map((e) => e.id!)
      .sort();
    expect((await everything(admin, { change: 'landing zone' }, 1000)).sort()).toEqual(landing);
    expect((await everything(admin, { q: '"LANDING ZONE 100%_SAFE"' }, 1000)).sort()).toEqual(landing);
    expect(await everything(admin, { change: '100%%' }, 1000)).toEqual([]);
    expect(await everything(admin, { change: 'zone_100' }, 1000)).toEqual([]);
  });

  it('counts every match only when asked', async () => {
    const page = await service.list(ctx(managerA), { limit: 3, count: true });
    expect(page.total).toBe(all.filter((e) => e.workspace === 'ws-a').length);
    expect(page.events).toHaveLength(3);
    expect(await service.list(ctx(managerA), { limit: 3 })).not.toHaveProperty('total');
  });

  it('treats values that look like SQL as values', async () => {
    for (const hostile of ["' OR '1'='1", "ws-a'; DROP TABLE audit_events; --", '%', '\\', '_']) {
      expect(await everything(admin, { objectId: hostile, actor: hostile }, 1000)).toEqual([]);
      const quoted = hostile.replace(/["\\]/g, (c) => `\\${c}`);
      expect(await everything(admin, { q: `objectName:"${quoted}"` }, 1000)).toEqual([]);
    }
    expect((await refusal(() => service.list(ctx(managerA), { workspace: "ws-a' OR '1'='1" }))).status).toBe(403);
    const [{ count }] = await stack.query<{ count: string }>('SELECT count(*)::text AS count FROM audit_events');
    expect(Number(count)).toBe(all.length);
  });
});
