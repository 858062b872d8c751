import type { INestApplication } from '@nestjs/common';
import { startGatewayUnderTest } from '../../../../test/support/gateway-under-test';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import type { TransmissionPage } from './telemetry-transmissions.service';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

const RESULTS = ['delivered', 'rejected', 'failed', 'dropped'];

describe('GET /admin/telemetry/transmissions (real PostgreSQL, API keys through the whole gateway)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let adminKey: string;
  let workspaceKey: string;

  beforeAll(async () => {
    stack = await createTestStack('transmissions');
    await stack.query("SELECT meshtrail_ensure_monthly_partitions('telemetry_transmissions', '2031-01-01', 2)");
    // 120 transmissions, one a minute from 2031-01-31 23:00 (across a month), metrics and heartbeats in turn;
    // every tenth pair shares its time (the id breaks the tie)
    for (let i = 0; i < 120; i++) {
      const at = new Date(Date.UTC(2031, 0, 31, 23) + (i - (i % 10 === 1 ? 1 : 0)) * 60_000);
      await stack.query(
        `INSERT INTO telemetry_transmissions (sent_at, category, destination, items, bytes, result, status_code, error, duration_ms)
         VALUES ($1, $2, 'https://ops.example.com/v1/metrics', $3, $4, $5, $6, $7, 12)`,
        [
          at,
          i % 2 ? 'heartbeat' : 'metrics',
          i,
          i * 100,
          RESULTS[i % 4],
          i % 4 === 3 ? null : i % 4 === 2 ? 503 : 200,
          i % 4 === 2 ? 'service unavailable' : null,
        ],
      );
    }
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('ops-admin', { admin: true, workspaces: [] }, 'test')).key;
    workspaceKey = (await keys.create('ws-reader', { admin: false, workspaces: ['ws-1'] }, 'test')).key;
    ({ app, base } = await startGatewayUnderTest(stack.env));
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function get<T = TransmissionPage>(query: string, key = adminKey): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}/admin/telemetry/transmissions?${query}`, { headers: { 'x-api-key': key } });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function walk(query: string, limit: number): Promise<TransmissionPage['transmissions']> {
    const seen: TransmissionPage['transmissions'] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: TransmissionPage } = await get(
        `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.transmissions.length).toBeLessThanOrEqual(limit);
      seen.push(...page.body.transmissions);
      cursor = page.body.nextCursor;
    } while (cursor);
    return seen;
  }

  it('pages through every transmission newest first, without gaps or repeats', async () => {
    const all = await walk('', 7);
    expect(all).toHaveLength(120);
    expect(new Set(all.map((t) => t.items)).size).toBe(120);
    const times = all.map((t) => t.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all[0]).toEqual({
      at: '2031-02-01T00:59:00.000000Z',
      category: 'heartbeat',
      destination: 'https://ops.example.com/v1/metrics',
      items: 119,
      bytes: 11900,
      result: 'dropped',
      statusCode: null,
      error: null,
      durationMs: 12,
    });
    expect((await get('')).body.transmissions).toHaveLength(50);
  });

  it('filters by category, result and time', async () => {
    const failed = await walk('category=metrics&result=failed', 4);
    expect(failed.map((t) => t.items)).toEqual(
      Array.from({ length: 120 }, (_, i) => 119 - i).filter((i) => i % 2 === 0 && i % 4 === 2),
    );
    expect(failed.every((t) => t.statusCode === 503 && t.error === 'service unavailable')).toBe(true);
    // 00:10 is the end (exclusive): 70 and 71 (sharing its minute) are out
    const february = await walk('from=2031-02-01&to=2031-02-01T00:10:00Z', 500);
    expect(february.map((t) => t.items)).toEqual([69, 68, 67, 66, 65, 64, 63, 62, 61, 60]);
  });

  it('refuses bad parameters naming them, and anyone but a platform admin', async () => {
    for (const [query, parameter] of [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['result=lost', 'result'],
      ['cursor=nonsense!', 'cursor'],
      [`cursor=${Buffer.from('99999999999999999999.1').toString('base64url')}`, 'cursor'],
      ['from=yesterday', 'from'],
      ['from=2031-02-02&to=2031-02-01', 'from'],
      ['category=', 'category'],
      ['x=1', 'x'],
    ]) {
      expect(await get<{ parameter: string }>(query)).toMatchObject({ status: 400, body: { parameter } });
    }
    expect((await get('', workspaceKey)).status).toBe(403);
    // no credential at all
    expect((await fetch(`${base}/admin/telemetry/transmissions`)).status).toBe(401);
  });
});
