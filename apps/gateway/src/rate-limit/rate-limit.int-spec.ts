import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@meshtrail/auth';
import { loadConfig } from '@meshtrail/config';
import { DatabaseConnection } from '@meshtrail/database';
import { CoreModule } from '@meshtrail/runtime';
import { waitFor } from '../../../../test/support/poll';
import { TcpProxy } from '../../../../test/support/tcp-proxy';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { authOptionsFrom } from '../auth/auth-options';
import { DeadLettersAdminModule } from '../dead-letters/dead-letters.module';
import { GatewayEnv } from '../gateway.env';
import { RateLimitModule } from './rate-limit.module';
import { RateLimiter } from './rate-limiter';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

const SETTINGS = { perMinute: 6, burst: 3 };

describe('rate limit shared by gateway replicas (real PostgreSQL)', () => {
  let stack: TestStack;
  let replicas: INestApplication[];
  let busyKey: string;
  let calmKey: string;

  const startReplica = async (): Promise<INestApplication> => {
    const config = loadConfig('gateway', GatewayEnv, stack.env);
    const module = await Test.createTestingModule({
      imports: [
        CoreModule.register('gateway', config),
        AuthModule.register(authOptionsFrom(config)),
        RateLimitModule.register(SETTINGS),
        DeadLettersAdminModule,
      ],
    }).compile();
    const app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    return app;
  };

  beforeAll(async () => {
    stack = await createTestStack('ratelimit');
    const keys = apiKeyStoreOf(stack);
    busyKey = (await keys.create('busy', { admin: true, workspaces: [] }, 'test')).key;
    calmKey = (await keys.create('calm', { admin: true, workspaces: [] }, 'test')).key;
    replicas = [await startReplica(), await startReplica()];
  });
  afterAll(async () => {
    await Promise.all((replicas ?? []).map((app) => app.close()));
    await stack?.teardown();
  });

  const call = (replica: number, key: string) => {
    const { port } = replicas[replica].getHttpServer().address() as { port: number };
    return fetch(`http://127.0.0.1:${port}/api/v1/dead-letters?limit=1`, { headers: { 'x-api-key': key } });
  };

  it('counts a principal once across two replicas: its burst is spent whichever replica answers', async () => {
    const statuses: number[] = [];
    for (const replica of [0, 1, 0, 1]) statuses.push((await call(replica, busyKey)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const refused = await call(0, busyKey);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-limit')).toBe('3');
    expect(await refused.json()).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'API.RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });

    const calm = await call(1, calmKey);
    expect(calm.status).toBe(200);
    expect(calm.headers.get('ratelimit-remaining')).toBe('2');

    const rows = await stack.query<{ key: string; points: number }>(
      `SELECT key, points FROM api_rate_limits ORDER BY points DESC`,
    );
    expect(rows).toEqual([
      { key: expect.stringMatching(/^api:apiKey:/), points: 4 },
      { key: expect.stringMatching(/^api:apiKey:/), points: 1 },
    ]);
  });
});

describe('rate limit while the database is unreachable (real PostgreSQL behind a proxy that is cut)', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  let connection: DatabaseConnection;
  let limiter: RateLimiter;

  beforeAll(async () => {
    stack = await createTestStack('ratelimitdown');
    const proxied = await TcpProxy.inFrontOf(stack.databaseUrl);
    proxy = proxied.proxy;
    connection = new DatabaseConnection({ url: proxied.url, poolMax: 2, applicationName: 'test' });
    limiter = new RateLimiter(SETTINGS, connection);
  });
  afterAll(async () => {
    limiter?.onModuleDestroy();
    await connection?.onApplicationShutdown();
    await proxy?.cut();
    await stack?.teardown();
  });

  const stored = async (key: string) =>
    (await stack.query<{ points: number }>(`SELECT points FROM api_rate_limits WHERE key = $1`, [`api:${key}`]))[0]
      ?.points;

  it('falls back to counting in memory, neither letting everything through nor refusing everyone', async () => {
    expect(await limiter.take('user:before')).toEqual({ allowed: true, remaining: 2 });
    expect(await stored('user:before')).toBe(1);

    await proxy.cut();
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.take('user:during'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toEqual({ allowed: false, retryAfterSec: expect.any(Number) });
    expect(await limiter.take('user:other')).toEqual({ allowed: true, remaining: 2 });
    expect(await stored('user:during')).toBeUndefined();

    await proxy.restore();
    await waitFor('a request counted in the database again', async () => {
      await limiter.take('user:after');
      return (await stored('user:after')) !== undefined;
    });
  });
});
