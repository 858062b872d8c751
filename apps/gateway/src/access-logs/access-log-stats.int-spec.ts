import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { startGatewayUnderTest } from '../../../../test/support/gateway-under-test';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import type { AccessLogStats } from './access-log-search.service';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

/** 2031-03-10, minute by minute: three requests in the 10 o'clock hour, none at 11, two at 12 (one of them jane's). */
const REQUESTS: Array<[time: string, status: number, principal: string | null]> = [
  ['2031-03-10T10:00:00Z', 200, null],
  ['2031-03-10T10:30:00Z', 404, 'jane@example.com'],
  ['2031-03-10T10:59:59.999Z', 503, null],
  ['2031-03-10T12:00:00Z', 200, 'jane@example.com'],
  ['2031-03-10T12:45:00Z', 201, null],
];

describe('GET /access-logs/stats (real PostgreSQL, API keys through the whole gateway)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let adminKey: string;
  let workspaceKey: string;

  beforeAll(async () => {
    stack = await createTestStack('accesslogstats');
    await stack.query("SELECT meshtrail_ensure_monthly_partitions('access_logs', '2031-03-01', 1)");
    for (const [time, status, principal] of REQUESTS) {
      await stack.query(
        `INSERT INTO access_logs (requested_at, id, service, host, remote_ip, status, method, path, principal, user_agent, accept, duration_ms, line)
         VALUES ($1, $2, 'gateway', 'gw-1', '10.0.0.1', $3, 'GET', '/api/v1/events', $4, 'curl/8.5.0', '*/*', 3, 'line')`,
        [time, randomUUID(), status, principal],
      );
    }
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('stats-admin', { admin: true, workspaces: [] }, 'test')).key;
    workspaceKey = (await keys.create('stats-ws', { admin: false, workspaces: ['ws-1'] }, 'test')).key;
    ({ app, base } = await startGatewayUnderTest(stack.env));
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function get<T = AccessLogStats>(query: string, key = adminKey): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}/access-logs/stats?${query}`, { headers: { 'x-api-key': key } });
    return { status: res.status, body: (await res.json()) as T };
  }

  it('counts requests, 4xx and 5xx per UTC hour, every hour present (zeros too)', async () => {
    const { status, body } = await get('from=2031-03-10T10:00:00Z&to=2031-03-10T13:00:00Z');
    expect(status).toBe(200);
    expect(body).toEqual({
      from: '2031-03-10T10:00:00.000Z',
      to: '2031-03-10T13:00:00.000Z',
      bucket: 'hour',
      hours: [
        { hour: '2031-03-10T10:00:00.000Z', requests: 3, clientErrors: 1, serverErrors: 1, errorRate: 2 / 3 },
        { hour: '2031-03-10T11:00:00.000Z', requests: 0, clientErrors: 0, serverErrors: 0, errorRate: 0 },
        { hour: '2031-03-10T12:00:00.000Z', requests: 2, clientErrors: 0, serverErrors: 0, errorRate: 0 },
      ],
    });
  });

  it('takes the search’s filters, and counts its bounds exactly within whole hours', async () => {
    const jane = await get('from=2031-03-10T10:00:00Z&to=2031-03-10T13:00:00Z&principal=jane%40example.com');
    expect(jane.body.hours.map((h) => h.requests)).toEqual([1, 0, 1]);
    // 10:30 to 12:30: the hours it touches, the requests inside it
    const partial = await get('from=2031-03-10T10:30:00Z&to=2031-03-10T12:30:00Z');
    expect(partial.body.from).toBe('2031-03-10T10:00:00.000Z');
    expect(partial.body.to).toBe('2031-03-10T13:00:00.000Z');
    expect(partial.body.hours.map((h) => [h.requests, h.clientErrors, h.serverErrors])).toEqual([
      [2, 1, 1],
      [0, 0, 0],
      [1, 0, 0],
    ]);
    const errors = await get('from=2031-03-10T10:00:00Z&to=2031-03-10T13:00:00Z&status=5xx');
    expect(errors.body.hours[0]).toMatchObject({ requests: 1, serverErrors: 1, errorRate: 1 });
  });

  it('counts the last 24 hours by default', async () => {
    const { status, body } = await get('');
    expect(status).toBe(200);
    // 24 whole hours when now is on the hour, else the 25 it touches
    expect([24, 25]).toContain(body.hours.length);
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(Date.now() - 3_600_000);
  });

  it('adds up to what the search lists for the same filters (fast-check)', async () => {
    const seed = propertySeed('access-log stats against the search');
    // instants from 09:00 to 14:00 in steps of 15 minutes, and the edges of the stored ones
    const instant = fc.oneof(
      fc.integer({ min: 0, max: 20 }).map((q) => new Date(Date.UTC(2031, 2, 10, 9) + q * 900_000).toISOString()),
      fc.constantFrom(...REQUESTS.map(([time]) => time)),
    );
    const filters = fc.record(
      {
        principal: fc.constantFrom('jane@example.com', 'bob@example.com'),
        status: fc.constantFrom('200', '404', '4xx', '5xx', '2xx'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(instant, instant, filters, async (a, b, chosen) => {
        // one instant may come in two spellings
        fc.pre(Date.parse(a) !== Date.parse(b));
        const [from, to] = Date.parse(a) < Date.parse(b) ? [a, b] : [b, a];
        const query = new URLSearchParams({ from, to, ...chosen }).toString();
        const stats = await get(query);
        const res = await fetch(`${base}/access-logs?${query}&limit=1000`, { headers: { 'x-api-key': adminKey } });
        const items = ((await res.json()) as { items: Array<{ status: number }> }).items;
        const sum = (pick: (h: AccessLogStats['hours'][number]) => number) =>
          stats.body.hours.reduce((n, h) => n + pick(h), 0);
        expect({ query, requests: sum((h) => h.requests), clientErrors: sum((h) => h.clientErrors) }).toEqual({
          query,
          requests: items.length,
          clientErrors: items.filter((i) => i.status >= 400 && i.status < 500).length,
        });
      }),
      { seed, numRuns: 40 },
    );
  });

  it('refuses more than 31 days naming the parameter, page parameters, and anyone but an admin', async () => {
    expect(await get<{ parameter: string }>('from=2031-02-01T00:00:00Z&to=2031-03-05T00:00:00Z')).toMatchObject({
      status: 400,
      body: { parameter: 'from' },
    });
    expect((await get('from=2031-02-01T00:00:00Z&to=2031-03-04T00:00:00Z')).status).toBe(200);
    expect((await get<{ parameter: string }>('limit=10')).body).toMatchObject({ parameter: 'limit' });
    expect((await get<{ parameter: string }>('cursor=abc')).body).toMatchObject({ parameter: 'cursor' });
    expect((await get<{ parameter: string }>('status=6xx')).body).toMatchObject({ parameter: 'status' });
    expect((await get('', workspaceKey)).status).toBe(403);
    // no credential at all
    expect((await fetch(`${base}/access-logs/stats`)).status).toBe(401);
  });
});
