import { createHmac } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { AuthModule } from '@meshtrail/auth';
import { loadConfig } from '@meshtrail/config';
import { CoreModule } from '@meshtrail/runtime';
import { storeAuditEvents, type FixtureEvent } from '../../../../../test/support/audit-events';
import { waitFor } from '../../../../../test/support/poll';
import { propertySeed } from '../../../../../test/support/storable-arbitraries';
import { createTestStack, type TestStack } from '../../../../../test/support/test-stack';
import { authOptionsFrom } from '../../auth/auth-options';
import { GatewayEnv } from '../../gateway.env';
import { RateLimitModule } from '../../rate-limit/rate-limit.module';
import { readLimitsOf } from '../../read-limits/read-limits-of';
import { ReadLimitsModule } from '../../read-limits/read-limits.module';
import { EventsModule } from '../events.module';
import { READER_SETTINGS, type ReaderSettings } from '../store/event-store.reader';
import { apiKeyStoreOf } from '../../../../../test/support/api-keys';

interface FeedPage {
  events: Array<{ id: string; workspace: string | null; position: { xactId: string; seq: string } }>;
  next: string;
  more: boolean;
}

const CURSOR_SECRET = 'feed-property-test-cursor-secret-0123456789';
/** Small, so that scoped readers page across many bounded scans. */
const SCAN_ROWS = 5;

/** 70 events over three workspaces and the global key, in 10 transactions: the commit order is this order. */
function storeContents(): FixtureEvent[] {
  const workspaces = ['ws-a', 'ws-b', 'ws-a', 'ws-c', null, 'ws-b', 'ws-a'];
  return Array.from({ length: 70 }, (_, i) => ({
    id: `feed-${String(i).padStart(2, '0')}`,
    // event times out of step with the commit order: the feed follows the commit, not the time
    time: new Date(Date.parse('2026-03-01T08:00:00Z') - (i % 9) * 86_400_000),
    workspace: workspaces[i % workspaces.length],
    objectType: workspaces[i % workspaces.length] ? 'Project' : 'AdminSettings',
    objectId: `o-${i % 4}`,
    action: 'updated',
    actor: { kind: 'user', id: 'jane@example.com', displayName: 'Jane' },
    change: `change ${i}`,
  }));
}

/** A cursor signed with the gateway's secret, carrying any payload: what a leaked secret or a bug could produce. */
function signed(payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload) ?? 'null').toString('base64url');
  const mac = createHmac('sha256', CURSOR_SECRET).update(body).digest().subarray(0, 16).toString('base64url');
  return `${body}.${mac}`;
}

describe('GET /api/v1/events/feed (real PostgreSQL and Kafka, API keys through the real auth guard)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let contents: FixtureEvent[];
  const keys: Record<'admin' | 'a' | 'ac' | 'quiet', string> = {} as never;
  const seed = propertySeed('events feed');

  beforeAll(async () => {
    stack = await createTestStack('eventsfeed');
    const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    contents = storeContents();
    await storeAuditEvents(db, contents, 7);
    const store = apiKeyStoreOf(stack);
    const create = async (name: string, workspaces: string[]) =>
      (await store.create(name, { admin: workspaces.length === 0, workspaces }, 'test')).key;
    keys.admin = await create('siem', []);
    keys.a = await create('ws-a-reader', ['ws-a']);
    keys.ac = await create('ws-ac-reader', ['ws-a', 'ws-c']);
    keys.quiet = await create('quiet-reader', ['ws-without-events']);

    const config = loadConfig('gateway', GatewayEnv, { ...stack.env, QUERY_CURSOR_SECRET: CURSOR_SECRET });
    const module = await Test.createTestingModule({
      imports: [
        CoreModule.register('gateway', config),
        AuthModule.register(authOptionsFrom(config)),
        RateLimitModule.register({ perMinute: 1_000_000, burst: 1_000_000 }),
        ReadLimitsModule.register(...readLimitsOf(config)),
        EventsModule.register(config),
      ],
    })
      .overrideProvider(READER_SETTINGS)
      .useValue({
        statementTimeoutMs: 5000,
        exportIdleTimeoutMs: 10_000,
        exportStatementTimeoutMs: 60_000,
        exportBatchSize: 100,
        textSearchWindow: 1000,
        feedScanRows: SCAN_ROWS,
      } satisfies ReaderSettings)
      .compile();
    app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1/events`;
    // other suites' transactions in the same cluster can hold the feed back for a moment
    await waitFor('the stored events to be readable in commit order', async () => {
      const page = await feed('limit=1000', keys.admin);
      return page.events.length === contents.length;
    });
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function call(query: string, key: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${base}/feed${query ? `?${query}` : ''}`, { headers: { 'x-api-key': key } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function feed(query: string, key: string): Promise<FeedPage> {
    const res = await call(query, key);
    if (res.status !== 200) throw new Error(`${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as unknown as FeedPage;
  }

  /** Every event a key sees, page by page with the given page sizes in turn, until the feed says it caught up. */
  async function follow(key: string, sizes: number[]): Promise<{ events: FeedPage['events']; last: FeedPage }> {
    const events: FeedPage['events'] = [];
    let after: string | undefined;
    for (let page = 0; page < 500; page++) {
      const params = new URLSearchParams({ limit: String(sizes[page % sizes.length]) });
      if (after) params.set('after', after);
      const next = await feed(params.toString(), key);
      expect(next.events.length).toBeLessThanOrEqual(sizes[page % sizes.length]);
      events.push(...next.events);
      after = next.next;
      if (!next.more) return { events, last: next };
    }
    throw new Error('the feed never caught up');
  }

  const inScope: Record<keyof typeof keys, (workspace: string | null | undefined) => boolean> = {
    admin: () => true,
    a: (w) => w === 'ws-a',
    ac: (w) => w === 'ws-a' || w === 'ws-c',
    quiet: () => false,
  };

  it('gives every event in scope exactly once, in commit order, whatever the page sizes', async () => {
    const principal = fc.constantFrom(...(Object.keys(keys) as Array<keyof typeof keys>));
    const sizes = fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(principal, sizes, async (who, pageSizes) => {
        const { events, last } = await follow(keys[who], pageSizes);
        expect(events.map((e) => e.id)).toEqual(contents.filter((e) => inScope[who](e.workspace)).map((e) => e.id!));
        for (let i = 1; i < events.length; i++) {
          const [a, b] = [events[i - 1].position, events[i].position];
          expect(BigInt(a.xactId) < BigInt(b.xactId) || (a.xactId === b.xactId && BigInt(a.seq) < BigInt(b.seq))).toBe(
            true,
          );
        }
        // caught up: the same position again, nothing new
        const again = await feed(`after=${encodeURIComponent(last.next)}`, keys[who]);
        expect(again).toEqual({ events: [], next: last.next, more: false });
      }),
      { seed, numRuns: 24 },
    );
  });

  it('shows each event as the listing does, with its position', async () => {
    const [first] = (await feed('limit=1', keys.admin)).events;
    const listed = (await (await fetch(`${base}/${first.id}`, { headers: { 'x-api-key': keys.admin } })).json()) as {
      event: unknown;
    };
    const { event: _event, ...view } = listed;
    expect(first).toEqual({ ...view, position: { xactId: expect.stringMatching(/^\d+$/), seq: expect.any(String) } });
  });

  it('answers hostile after and limit values with 200 or a 400 naming the parameter, never a 5xx', async () => {
    const feedCursor = (await feed('limit=2', keys.admin)).next;
    const listCursor = (
      (await (await fetch(`${base}?limit=1`, { headers: { 'x-api-key': keys.admin } })).json()) as {
        nextCursor: string;
      }
    ).nextCursor;
    const [body, mac] = feedCursor.split('.');
    const digits = fc.stringMatching(/^-?\d{1,25}$/);
    const payload = fc.record(
      {
        v: fc.constantFrom(1, 2, '1', null),
        p: fc.constantFrom('feed', 'list', 1),
        x: fc.oneof(digits, fc.string(), fc.integer(), fc.constant('18446744073709551616')),
        s: fc.oneof(digits, fc.string(), fc.constant('9223372036854775808'), fc.constant(null)),
        t: digits,
        f: fc.string(),
      },
      { requiredKeys: [] },
    );
    const cursorLike = fc.oneof(
      fc.constantFrom(feedCursor, listCursor, `${body}.${mac.split('').reverse().join('')}`, `${body}x.${mac}`),
      payload.map(signed),
      fc.oneof(fc.jsonValue(), fc.string()).map(signed),
      fc
        .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.stringMatching(/^[A-Za-z0-9_-]{22}$/))
        .map(([b, m]) => `${b}.${m}`),
    );
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('0', '-1', '1', '1000', '1001', '1e2', ' 5', '0x10', '9'.repeat(30), '', '%00'),
      cursorLike,
    );
    const name = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('after', 'limit') },
      { weight: 1, arbitrary: fc.constantFrom('cursor', 'workspace', 'q', 'x') },
    );
    const who = fc.constantFrom(keys.admin, keys.ac, keys.quiet);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 3 }), who, async (pairs, key) => {
        const { status, body: answer } = await call(new URLSearchParams(pairs).toString(), key);
        if (status === 200) {
          expect(typeof answer.next).toBe('string');
          expect(Array.isArray(answer.events)).toBe(true);
          return;
        }
        expect(status).toBe(400);
        expect(pairs.map(([n]) => n)).toContain(answer.parameter);
      }),
      { seed, numRuns: 150 },
    );
  });

  it('names the parameter of a forged, foreign or malformed cursor and of a bad limit', async () => {
    const listCursor = (
      (await (await fetch(`${base}?limit=1`, { headers: { 'x-api-key': keys.admin } })).json()) as {
        nextCursor: string;
      }
    ).nextCursor;
    const bad = async (query: string) => {
      const res = await call(query, keys.admin);
      expect(res.status).toBe(400);
      return res.body;
    };
    expect(await bad(`after=${listCursor}`)).toMatchObject({
      parameter: 'after',
      message: expect.stringContaining('listing'),
    });
    expect(await bad(`after=${signed({ v: 1, p: 'feed', x: '1', s: '-1' })}`)).toMatchObject({ parameter: 'after' });
    expect(await bad('after=abc.def')).toMatchObject({ parameter: 'after', code: 'QUERY.INVALID_PARAMETER' });
    expect(await bad('after=a&after=b')).toMatchObject({ parameter: 'after' });
    expect(await bad('limit=0')).toMatchObject({ parameter: 'limit' });
    expect(await bad('limit=1001')).toMatchObject({ parameter: 'limit' });
    const feedCursor = (await feed('limit=1', keys.admin)).next;
    const list = await fetch(`${base}?cursor=${feedCursor}`, { headers: { 'x-api-key': keys.admin } });
    expect(list.status).toBe(400);
    expect(await list.json()).toMatchObject({ parameter: 'cursor', message: expect.stringContaining('feed') });
  });
});
