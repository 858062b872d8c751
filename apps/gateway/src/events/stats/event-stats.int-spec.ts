import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { storeAuditEvents, storeAuthEvents, type FixtureEvent } from '../../../../../test/support/audit-events';
import { startGatewayUnderTest } from '../../../../../test/support/gateway-under-test';
import { propertySeed } from '../../../../../test/support/storable-arbitraries';
import { createTestStack, type TestStack } from '../../../../../test/support/test-stack';
import type { EventStats } from './daily-stats';
import { apiKeyStoreOf } from '../../../../../test/support/api-keys';

const actor = { kind: 'user' as const, id: 'u-1', displayName: 'Jane' };

/**
 * Per day (March 2026), per workspace, the actions stored: 03-03 has none at all, 03-04 only
 * global ones (no workspace).
 */
const STORED: Array<[day: string, workspace: string | null, actions: string[]]> = [
  ['2026-03-01', 'ws-1', ['created', 'created', 'updated']],
  ['2026-03-01', 'ws-2', ['deleted']],
  ['2026-03-02', 'ws-1', ['granted', 'updated']],
  ['2026-03-02', 'ws-2', ['created', 'created', 'created']],
  ['2026-03-04', null, ['updated', 'viewed']],
  ['2026-03-05', 'ws-1', ['deleted', 'revoked']],
  ['2026-03-05', 'ws-2', ['runs_requested']],
];

function fixtures(): FixtureEvent[] {
  return STORED.flatMap(([day, workspace, actions]) =>
    actions.map((action, i) => ({
      // spread over the day, the last one a microsecond before midnight (still that day)
      time: i === actions.length - 1 ? `${day}T23:59:59.999999Z` : `${day}T${String(i * 5).padStart(2, '0')}:00:00Z`,
      workspace,
      objectType: 'Project',
      objectId: `p-${day}-${i}`,
      action,
      actor,
      change: `${action} project p-${i}`,
    })),
  );
}

describe('GET /events/stats (real PostgreSQL and Kafka, API keys through the whole gateway)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let adminKey: string;
  let ws1Key: string;

  beforeAll(async () => {
    stack = await createTestStack('eventstats');
    const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    await storeAuditEvents(db, fixtures());
    // Keycloak's events are in the admin's trail (not a workspace's): two logins on 03-02
    await storeAuthEvents(db, [
      { time: new Date('2026-03-02T08:00:00Z'), kind: 'login', type: 'LOGIN', userId: 'u-1', username: 'jane' },
      { time: new Date('2026-03-02T09:00:00Z'), kind: 'login', type: 'LOGIN', userId: 'u-2', username: 'bob' },
    ]);
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('stats-admin', { admin: true, workspaces: [] }, 'test')).key;
    ws1Key = (await keys.create('stats-ws-1', { admin: false, workspaces: ['ws-1'] }, 'test')).key;
    ({ app, base } = await startGatewayUnderTest(stack.env));
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function get<T = EventStats>(path: string, key: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
    return { status: res.status, body: (await res.json()) as T };
  }

  const march = `q=${encodeURIComponent('created:2026-03-01..2026-03-05')}`;
  const totals = (stats: EventStats) => Object.fromEntries(stats.days.map((d) => [d.day, d.total]));

  it('counts every event of the range per UTC day and action, each day present (zeros too), for an admin', async () => {
    const { status, body } = await get(`/events/stats?${march}`, adminKey);
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-06T00:00:00.000Z', bucket: 'day' });
    // ACTIONS' order, then Keycloak's types
    expect(body.actions).toEqual([
      'created',
      'updated',
      'deleted',
      'runs_requested',
      'granted',
      'revoked',
      'viewed',
      'login',
    ]);
    expect(totals(body)).toEqual({
      '2026-03-01': 4,
      '2026-03-02': 7,
      '2026-03-03': 0,
      '2026-03-04': 2,
      '2026-03-05': 3,
    });
    expect(body.days[1]).toEqual({
      day: '2026-03-02',
      counts: { created: 3, updated: 1, deleted: 0, runs_requested: 0, granted: 1, revoked: 0, viewed: 0, login: 2 },
      total: 7,
    });
    expect(body.days[2].counts).toEqual(Object.fromEntries(body.actions.map((a) => [a, 0])));
  });

  it('counts only their workspaces for a workspace manager, and refuses another workspace with 403', async () => {
    const own = await get(`/events/stats?${march}`, ws1Key);
    expect(own.status).toBe(200);
    expect(own.body.actions).toEqual(['created', 'updated', 'deleted', 'granted', 'revoked']);
    expect(totals(own.body)).toEqual({
      '2026-03-01': 3,
      '2026-03-02': 2,
      '2026-03-03': 0,
      '2026-03-04': 0,
      '2026-03-05': 2,
    });
    const path = await get(`/workspaces/ws-1/events/stats?${march}`, ws1Key);
    expect(path).toEqual(own);
    expect((await get(`/workspaces/ws-2/events/stats?${march}`, ws1Key)).status).toBe(403);
    expect((await get(`/events/stats?${march}&workspace=ws-2`, ws1Key)).status).toBe(403);
    // an admin asking for one workspace
    expect(totals((await get(`/workspaces/ws-2/events/stats?${march}`, adminKey)).body)).toEqual({
      '2026-03-01': 1,
      '2026-03-02': 3,
      '2026-03-03': 0,
      '2026-03-04': 0,
      '2026-03-05': 1,
    });
  });

  it('takes the filters of the list (action, negations, from/to) and counts the bounds exactly', async () => {
    const q = encodeURIComponent('action:created action:deleted -workspace:ws-2 created:>=2026-03-01T05:00:00Z');
    const { body } = await get(`/events/stats?q=${q}&to=2026-03-05T12:00:00Z`, adminKey);
    expect(body.from).toBe('2026-03-01T00:00:00.000Z');
    expect(body.to).toBe('2026-03-06T00:00:00.000Z');
    // ws-1's second created at 05:00 is in, its first at 00:00 not; ws-1's deleted at 03-05 00:00 is in
    expect(totals(body)).toEqual({
      '2026-03-01': 1,
      '2026-03-02': 0,
      '2026-03-03': 0,
      '2026-03-04': 0,
      '2026-03-05': 1,
    });
  });

  it('counts the last 30 days through today (UTC) when the filters give no range', async () => {
    const before = new Date().toISOString().slice(0, 10);
    const { status, body } = await get('/events/stats', adminKey);
    const after = new Date().toISOString().slice(0, 10);
    expect(status).toBe(200);
    expect(body.days).toHaveLength(30);
    expect([before, after]).toContain(body.days[29].day);
    expect(body.to).toBe(`${nextDay(body.days[29].day)}T00:00:00.000Z`);
    expect(body.days.every((d) => d.total === 0)).toBe(true);
    expect(body.actions).toEqual([]);
  });

  it('refuses a range over 366 days, naming the parameter that set it, and parameters the stats do not take', async () => {
    const long = await get<{ parameter: string }>(
      `/events/stats?q=${encodeURIComponent('created:2025-01-01..2026-01-02')}`,
      adminKey,
    );
    expect(long).toMatchObject({ status: 400, body: { parameter: 'q' } });
    expect((await get(`/events/stats?from=2025-01-01&to=2026-01-03`, adminKey)).body).toMatchObject({
      parameter: 'from',
    });
    const leap = await get(`/events/stats?q=${encodeURIComponent('created:2024-01-01..2024-12-31')}`, adminKey);
    expect(leap.status).toBe(200);
    expect(leap.body.days).toHaveLength(366);
    expect((await get('/events/stats?limit=5', adminKey)).body).toMatchObject({ parameter: 'limit' });
    expect((await get('/events/stats?action=frobnicated', adminKey)).body).toMatchObject({ parameter: 'action' });
  });

  it('sums to the list’s count for the same filters within the range (fast-check)', async () => {
    const seed = propertySeed('event stats against the list count');
    const term = fc.oneof(
      fc.constantFrom('created', 'updated', 'deleted', 'granted', 'viewed').map((a) => `action:${a}`),
      fc.constantFrom('ws-1', 'ws-2').map((w) => `workspace:${w}`),
      fc.constantFrom('kind:audit', 'kind:auth', 'source:keycloak', 'actor:jane', 'project', '"p-1"'),
    );
    const negatable = fc.tuple(fc.boolean(), term).map(([negated, t]) => (negated ? `-${t}` : t));
    // 2026-02-26 to 2026-03-06: around the stored days
    const validDay = fc
      .integer({ min: 0, max: 8 })
      .map((d) => new Date(Date.UTC(2026, 1, 26) + d * 86_400_000).toISOString().slice(0, 10));
    await fc.assert(
      fc.asyncProperty(
        fc.array(negatable, { maxLength: 3 }),
        validDay,
        validDay,
        fc.constantFrom('admin', 'ws-1'),
        async (terms, a, b, who) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const q = encodeURIComponent([...terms, `created:${low}..${high}`].join(' '));
          const key = who === 'admin' ? adminKey : ws1Key;
          const stats = await get(`/events/stats?q=${q}`, key);
          const list = await get<{ total?: number }>(`/events?q=${q}&count=true&limit=1`, key);
          expect(stats.status).toBe(list.status);
          if (stats.status !== 200) return;
          const sum = stats.body.days.reduce((n, d) => n + d.total, 0);
          expect({ terms, low, high, who, sum }).toEqual({ terms, low, high, who, sum: list.body.total });
        },
      ),
      { seed, numRuns: 40 },
    );
  });
});

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
