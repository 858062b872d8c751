import net from 'node:net';
import fc from 'fast-check';
import { TOPICS, type AccessLogRecord } from '@meshtrail/contracts';
import { parseAccessLine } from '@meshtrail/observability';
import { storeAuditEvents, type FixtureEvent } from '../support/audit-events';
import { LocalOidcIssuer } from '../support/oidc-issuer';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { hostileString, propertySeed } from '../support/storable-arbitraries';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestStack, type TestStack } from '../support/test-stack';
import { TopicReader } from '../support/topic-reader';

/** Events of ws-big, each with a long change line: an export of them is far larger than the socket buffers. */
const BIG_EVENTS = 15_000;
const FAILURES_PER_MINUTE = 5;
const ADDRESS_BURST = 30;

function bigWorkspace(): FixtureEvent[] {
  const padding = 'a long change line that keeps the export large '.repeat(30);
  return Array.from({ length: BIG_EVENTS }, (_, i) => ({
    time: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 1000),
    workspace: 'ws-big',
    objectType: 'Project',
    objectId: `p-${i}`,
    action: 'updated',
    actor: { kind: 'user', id: 'u-1', displayName: 'User One' },
    change: `${padding}${i}`,
  }));
}

const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64url');

/**
 * The gateway under abuse, as a process on the real broker, with its database behind a TCP proxy
 * that counts every statement. The client's address is set per test with X-Forwarded-For (the
 * proxy 127.0.0.1 is trusted), so each scenario is its own client.
 */
describe('gateway under abuse (real PostgreSQL behind a counting proxy, real broker)', () => {
  let stack: TestStack;
  let idp: LocalOidcIssuer;
  let proxy: TcpProxy;
  let gateway: ServiceProcess;
  let accessLogs: TopicReader;
  let bigKey: string;
  let managerToken: string;
  const seed = propertySeed('gateway under abuse');

  beforeAll(async () => {
    stack = await createTestStack('gatewayabuse');
    idp = await LocalOidcIssuer.start('meshtrail');
    const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    await storeAuditEvents(db, [
      ...bigWorkspace(),
      {
        time: new Date('2026-03-02T00:00:00Z'),
        workspace: 'ws-1',
        objectType: 'Project',
        objectId: 'p-formula',
        action: 'created',
        actor: { kind: 'user', id: 'u-2', displayName: '@SUM(A1)' },
        change: 'x;=1+1;',
      },
    ]);
    const proxied = await TcpProxy.inFrontOf(stack.databaseUrl);
    proxy = proxied.proxy;
    gateway = await ServiceProcess.start('gateway', {
      ...stack.env,
      ...idp.env(),
      DATABASE_URL: proxied.url,
      DATABASE_POOL_MAX: '4',
      DATABASE_POOL_RESERVED: '2',
      ACCESS_LOG_TRUSTED_PROXIES: '127.0.0.1',
      // the access lines on stdout too (off by default), where the parser-refused one is looked for
      ACCESS_LOG_STDOUT: 'true',
      AUTH_FAILURES_PER_ADDRESS_PER_MINUTE: String(FAILURES_PER_MINUTE),
      API_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '60',
      API_RATE_LIMIT_PER_ADDRESS_BURST: String(ADDRESS_BURST),
      // the principals' own limit stays out of the way of the address limits under test
      API_RATE_LIMIT_PER_MINUTE: '600000',
      API_RATE_LIMIT_BURST: '100000',
      EXPORT_CONCURRENCY_PER_PRINCIPAL: '2',
      EXPORT_CONCURRENCY: '3',
    });
    accessLogs = await TopicReader.start(stack.topic(TOPICS.accessLogs), stack.brokers);
    const admin = await idp.sign({
      sub: 'u-admin',
      preferred_username: 'olivia',
      realm_access: { roles: ['meshtrail-admin'] },
    });
    const created = await fetch(`${gateway.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.1' },
      body: JSON.stringify({ name: 'big-exporter', workspaces: ['ws-big'] }),
    });
    expect(created.status).toBe(201);
    bigKey = ((await created.json()) as { key: string }).key;
    managerToken = await idp.sign({
      sub: 'u-m1',
      preferred_username: 'max',
      resource_access: { meshtrail: { roles: ['workspace:ws-1:manager'] } },
    });
  });
  afterAll(async () => {
    await accessLogs?.stop();
    await gateway?.stop();
    await proxy?.cut();
    await idp?.stop();
    await stack?.teardown();
  });

  const call = (path: string, client: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(`${gateway.url}${path}`, { headers: { 'x-forwarded-for': client, ...headers }, signal });

  it('answers a JWT whose alg holds a newline or a character beyond Latin-1 with 401, not 500', async () => {
    for (const alg of ['RS256\n', 'RS\u0100', 'RS256\r\nX-Injected: 1', '\u0000', 'x'.repeat(5000)]) {
      const token = `${b64(JSON.stringify({ alg, typ: 'JWT' }))}.${b64('{"sub":"x"}')}.c2ln`;
      const res = await call('/api/v1/events', `2001:db8:a1::${alg.length}`, { authorization: `Bearer ${token}` });
      expect({ alg, status: res.status }).toEqual({ alg, status: 401 });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="meshtrail", error="invalid_token"/);
      expect(await res.json()).toMatchObject({ code: 'AUTH.INVALID_TOKEN' });
    }
  });

  it('answers any malformed credential with 401, whatever the token or key holds (fast-check)', async () => {
    const json = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      hostileString,
      fc.string({ unit: 'binary' }),
    );
    const segment = fc.oneof(json.map(b64), fc.string(), fc.constantFrom('', '.', 'eyJ', '=='));
    const header = fc.oneof(
      fc
        .record({
          alg: fc.oneof(hostileString, fc.constantFrom('RS256', 'none', 'HS256', 'EdDSA')),
          kid: fc.option(hostileString),
        })
        .map((h) => b64(JSON.stringify(h))),
      segment,
    );
    const jwt = fc.tuple(header, segment, segment).map((parts) => parts.join('.'));
    const apiKeyLike = fc.oneof(
      fc.stringMatching(/^mtk_[a-f0-9]{16}_[A-Za-z0-9_-]{43}$/),
      fc.stringMatching(/^mtk_[\x21-\x7e]{0,80}$/),
    );
    // what an HTTP header can carry: Latin-1 without control characters (the parser refuses those itself)
    const headerSafe = (value: string) => value.replace(/[^\x20-\x7e\xa0-\xff]/g, '');
    const credential = fc.oneof(
      jwt.map((t) => ({ authorization: `Bearer ${headerSafe(t)}` })),
      apiKeyLike.map((k) => ({ authorization: `ApiKey ${k}` })),
      apiKeyLike.map((k) => ({ 'x-api-key': k })),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ authorization: headerSafe(s) })),
      fc.nat({ max: 12_000 }).map((n) => ({ authorization: `Bearer ${'A'.repeat(n)}` })),
    );
    let client = 0;
    await fc.assert(
      fc.asyncProperty(credential, async (headers) => {
        client++;
        const res = await call('/api/v1/events?limit=1', `2001:db8:f${client.toString(16)}::1`, headers);
        const body = (await res.json()) as { code?: string };
        expect({ headers, status: res.status, code: body.code }).toEqual({
          headers,
          status: 401,
          code: expect.stringMatching(/^AUTH\./),
        });
      }),
      { seed, numRuns: 150 },
    );
  });

  it('answers a flood of unauthenticated requests with 429 from memory, without a database query per request', async () => {
    const before = proxy.statements;
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 200; i++) {
      // a key of the right shape: each one the limiter lets through costs a lookup
      const forged = `mtk_${i.toString(16).padStart(16, '0')}_${'x'.repeat(43)}`;
      last = await call('/api/v1/events', '203.0.113.7', { 'x-api-key': forged });
      statuses.push(last.status);
      await last.arrayBuffer();
    }
    const spent = proxy.statements - before;
    expect(statuses.slice(0, FAILURES_PER_MINUTE)).toEqual(new Array(FAILURES_PER_MINUTE).fill(401));
    expect(statuses.slice(FAILURES_PER_MINUTE)).toEqual(new Array(200 - FAILURES_PER_MINUTE).fill(429));
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // one lookup per attempt let through; the 195 refusals cost none (a little slack for the
    // gateway's own periodic statements, far below one per request)
    expect(spent).toBeGreaterThanOrEqual(FAILURES_PER_MINUTE);
    expect(spent).toBeLessThanOrEqual(FAILURES_PER_MINUTE + 5);

    // without any credential the address limit and the failure limit refuse alike, and another
    // client is not affected
    const anonymous: number[] = [];
    for (let i = 0; i < 40; i++) anonymous.push((await call('/api/v1/events', '203.0.113.8')).status);
    expect(anonymous.slice(0, FAILURES_PER_MINUTE)).toEqual(new Array(FAILURES_PER_MINUTE).fill(401));
    expect(new Set(anonymous.slice(FAILURES_PER_MINUTE))).toEqual(new Set([429]));
    expect((await call('/api/v1/events?limit=1', '203.0.113.9', { 'x-api-key': bigKey })).status).toBe(200);
  });

  it('limits requests per client address before authentication, even with a valid key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ADDRESS_BURST + 5; i++) {
      const res = await call('/api/v1/events?limit=1', '203.0.113.10', { 'x-api-key': bigKey });
      statuses.push(res.status);
      if (res.status === 429) expect(await res.json()).toMatchObject({ code: 'API.RATE_LIMITED' });
      else await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(ADDRESS_BURST);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  });

  it('lets twelve slow exports of one principal leave another principal and readiness answering', async () => {
    const abort = new AbortController();
    // twelve exports of 15,000 long events whose bodies nobody reads: the running ones stall on backpressure
    const exports = await Promise.all(
      Array.from({ length: 12 }, () =>
        call('/api/v1/events/export?format=ndjson', '192.0.2.20', { 'x-api-key': bigKey }, abort.signal),
      ),
    );
    const statuses = exports.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, ...new Array(10).fill(429)]);
    for (const refused of exports.filter((r) => r.status === 429)) {
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({
        code: 'QUERY.TOO_MANY_AT_ONCE',
        limit: 'EXPORT_CONCURRENCY_PER_PRINCIPAL',
      });
    }
    try {
      const page = await call('/api/v1/workspaces/ws-1/events?limit=5', '192.0.2.21', {
        authorization: `Bearer ${managerToken}`,
      });
      expect(page.status).toBe(200);
      expect(((await page.json()) as { events: Array<{ objectId: string }> }).events[0].objectId).toBe('p-formula');
      const readiness = await fetch(`${gateway.url}/actuator/health/readiness`);
      expect(readiness.status).toBe(200);
      // the two exports still hold their connections: they run on the main pool, sign-in on the reserved one
      const held = await stack.query<{ application_name: string; count: string }>(
        `SELECT application_name, count(*)::text FROM pg_stat_activity
          WHERE datname = current_database() AND application_name LIKE 'gateway%' GROUP BY 1`,
      );
      expect(held).toEqual(
        expect.arrayContaining([
          { application_name: 'gateway', count: expect.any(String) },
          { application_name: 'gateway-reserved', count: expect.any(String) },
        ]),
      );
    } finally {
      abort.abort();
    }
    // the exports' slots come back when their clients leave
    let attempt = 0;
    await waitFor('an export slot to be free again', async () => {
      // a client of its own each time: the slot is the principal's, not the address's
      const client = `198.51.100.${++attempt % 250}`;
      const res = await call('/api/v1/events/export?format=ndjson&objectId=p-7', client, { 'x-api-key': bigKey });
      if (res.status !== 200) return (await res.arrayBuffer()) && undefined;
      return (await res.text()).includes('"objectId":"p-7"');
    });
  });

  it('exports a CSV cell x;=1+1; quoted and neutralised', async () => {
    const res = await call('/api/v1/workspaces/ws-1/events/export?format=csv', '192.0.2.30', {
      authorization: `Bearer ${managerToken}`,
    });
    expect(res.status).toBe(200);
    const [header, row] = (await res.text()).trimEnd().split('\r\n');
    expect(header.startsWith('"id","kind","time"')).toBe(true);
    expect(row).toContain(`"x;'=1+1;"`);
    expect(row).toContain(`"'@SUM(A1)"`);
    // every cell quoted: between the cells only "," separates
    expect(row.startsWith('"') && row.endsWith('"')).toBe(true);
  });

  it('writes an access line and publishes a record for a raw request with a control character in a header', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = net.connect(gateway.port!, '127.0.0.1', () =>
        socket.write(
          Buffer.from(
            'GET /api/v1/events?probe=ctl HTTP/1.1\r\nHost: x\r\nUser-Agent: nikto\r\nX-Evil: a\x01b\r\n\r\n',
            'latin1',
          ),
        ),
      );
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const line = await waitFor('the access line of the refused request', () =>
      gateway.rawStdout.find((l) => l.includes('"GET /api/v1/events?probe=ctl"')),
    );
    expect(parseAccessLine(line)).toMatchObject({
      remoteIp: '127.0.0.1',
      status: 400,
      method: 'GET',
      path: '/api/v1/events?probe=ctl',
      principal: null,
      userAgent: 'nikto',
    });
    // a message on access-logs.v1 carries one or more records, one JSON line each
    const record = await waitFor('the record of the refused request', () =>
      accessLogs.records
        .flatMap((r) => (r.value?.toString('utf8') ?? '').split('\n').filter((l) => l !== ''))
        .map((l) => JSON.parse(l) as AccessLogRecord)
        .find((r) => r.path === '/api/v1/events?probe=ctl'),
    );
    expect(record).toMatchObject({ status: 400, service: 'gateway', line });
  });
});
