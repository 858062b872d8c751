import { randomUUID } from 'node:crypto';
import type { ExecutionContext, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthGuard, type Principal } from '@meshtrail/auth';
import { DatabaseModule } from '@meshtrail/database';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { GatewayEnv } from '../gateway.env';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { readLimitsOf } from '../read-limits/read-limits-of';
import { ReadLimitsModule } from '../read-limits/read-limits.module';
import { AccessLogsModule } from './access-logs.module';

/**
 * The search API over a real, partitioned access_logs table. Authentication is the gateway's
 * (test/e2e/access-log.e2e-spec.ts shows admin-only); here the guards let every request through.
 */
const ADMIN: Principal = { kind: 'apiKey', id: 'k-admin', name: 'admin', admin: true, workspaces: [] };

describe('access-log search (real PostgreSQL)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let url: string;
  const total = 2400;

  beforeAll(async () => {
    stack = await createTestStack('accesslogsearch');
    // 2400 requests over two months: every 3rd by jane, statuses 200/404/503 in turn, a few odd paths
    const rows = Array.from({ length: total }, (_, i) => ({
      time: new Date(Date.UTC(2031, 2, 31, 12) - i * 60_000 * 30).toISOString(),
      id: randomUUID(),
      status: [200, 404, 503][i % 3],
      principal: i % 3 === 0 ? 'jane@example.com' : null,
      path: i % 100 === 0 ? `/api/100%_sure/${i}` : `/api/v1/events/${i}`,
      ip: i % 2 ? '10.0.0.1' : '2001:db8::1',
    }));
    await stack.query("SELECT meshtrail_ensure_monthly_partitions('access_logs', '2031-02-01', 2)");
    await stack.query(
      `INSERT INTO access_logs (requested_at, id, service, host, remote_ip, status, method, path, principal, user_agent, accept, duration_ms, line)
       SELECT t, id, 'gateway', 'gw-1', ip, st, 'GET', p, pr, 'curl/8.5.0', '*/*', 3, 'line'
         FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::smallint[], $5::text[], $6::text[]) AS u(t, id, ip, st, p, pr)`,
      [
        rows.map((r) => r.time),
        rows.map((r) => r.id),
        rows.map((r) => r.ip),
        rows.map((r) => r.status),
        rows.map((r) => r.path),
        rows.map((r) => r.principal),
      ],
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        DatabaseModule.register({ url: stack.databaseUrl, poolMax: 2, applicationName: 'test' }),
        ReadLimitsModule.register(...readLimitsOf(new GatewayEnv())),
        AccessLogsModule,
      ],
    })
      .overrideGuard(AuthGuard)
      .useValue({
        canActivate: (context: ExecutionContext) => {
          context.switchToHttp().getRequest<{ principal: Principal }>().principal = ADMIN;
          return true;
        },
      })
      .overrideGuard(RateLimitGuard)
      .useValue({ canActivate: () => true })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1/access-logs`;
  });
  afterAll(async () => {
    await app?.close();
    await stack.teardown();
  });

  const range = 'from=2031-01-01&to=2031-04-01';
  const get = async (query: string) => {
    const res = await fetch(`${url}?${range}&${query}`);
    return {
      status: res.status,
      body: (await res.json()) as { items: Array<Record<string, unknown>>; nextCursor: string | null },
    };
  };

  it('walks every match with keyset pages, newest first, no gaps and no repeats', async () => {
    const seen: string[] = [];
    const times: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`status=4xx&limit=150${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item) => item.id as string));
      times.push(...page.body.items.map((item) => item.time as string));
      for (const item of page.body.items) expect(item.status).toBe(404);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(total / 3);
    expect(new Set(seen).size).toBe(total / 3);
    expect([...times].sort().reverse()).toEqual(times);
    expect(pages).toBe(Math.ceil(total / 3 / 150));
  });

  it('filters by principal, exact status, method, remote IP and a path prefix taken literally', async () => {
    const jane = await get('principal=jane%40example.com&status=200&method=get&remoteIp=2001:db8::1&limit=1000');
    expect(jane.body.items.length).toBe(total / 6);
    expect(jane.body.items.every((i) => i.principal === 'jane@example.com' && i.remoteIp === '2001:db8::1')).toBe(true);
    const literal = await get(`pathPrefix=${encodeURIComponent('/api/100%_sure/')}&limit=1000`);
    expect(literal.body.items.map((i) => i.path)).toEqual(
      Array.from({ length: total / 100 }, (_, k) => `/api/100%_sure/${k * 100}`),
    );
  });

  it('exports every match as NDJSON or CSV, streamed', async () => {
    const ndjson = await fetch(`${url}/export?${range}&status=5xx`);
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await ndjson.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: number });
    expect(lines).toHaveLength(total / 3);
    expect(lines.every((l) => l.status === 503)).toBe(true);
    const csv = await fetch(`${url}/export?${range}&format=csv&principal=jane%40example.com`);
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toBe(
      '"time","id","service","host","remoteIp","status","method","path","principal","userAgent","accept","durationMs"',
    );
    expect(rows).toHaveLength(total / 3 + 1);
  });

  it('answers 400 naming the bad parameter', async () => {
    for (const [query, parameter] of [
      ['status=9xx', 'status'],
      ['limit=5000', 'limit'],
      ['from=soon', 'from'],
      ['color=red', 'color'],
      ['format=csv', 'format'],
    ]) {
      const res = await fetch(`${url}?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(await res.json()).toMatchObject({ code: 'QUERY.INVALID_PARAMETER', parameter });
    }
    const badExport = await fetch(`${url}/export?format=xml`);
    expect(badExport.status).toBe(400);
    expect(await badExport.json()).toMatchObject({ parameter: 'format' });
  });
});
