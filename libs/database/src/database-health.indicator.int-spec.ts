import { TcpProxy } from '../../../test/support/tcp-proxy';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { DatabaseConnection } from './database-connection';
import { DatabaseHealthIndicator } from './database-health.indicator';

describe('DatabaseHealthIndicator (real PostgreSQL behind a cuttable proxy)', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  let connection: DatabaseConnection;

  beforeAll(async () => {
    stack = await createTestStack('dbhealth');
    const proxied = await TcpProxy.inFrontOf(stack.databaseUrl);
    proxy = proxied.proxy;
    connection = new DatabaseConnection({ url: proxied.url, poolMax: 2, applicationName: 'health-test' });
  });
  afterAll(async () => {
    await connection.onApplicationShutdown();
    await proxy.cut();
    await stack.teardown();
  });

  it('is UP with the Actuator details, DOWN while the server is unreachable, and UP again after', async () => {
    const indicator = new DatabaseHealthIndicator(connection);
    expect(await indicator.check()).toEqual({
      status: 'UP',
      details: {
        database: 'PostgreSQL',
        result: 1,
        validationQuery: 'SELECT 1',
        pool: { total: expect.any(Number), idle: expect.any(Number), waiting: 0, max: 2 },
      },
    });
    await proxy.cut();
    const down = await indicator.check();
    expect(down.status).toBe('DOWN');
    expect(String(down.details?.error)).not.toHaveLength(0);
    await proxy.restore();
    // the pool drops the broken connections; a later check reconnects
    let result = await indicator.check();
    for (let i = 0; i < 20 && result.status !== 'UP'; i++) result = await indicator.check();
    expect(result.status).toBe('UP');
  });

  it('is DOWN when the database was unreachable from the start, and UP once it can connect', async () => {
    await proxy.cut();
    const target = new URL(stack.databaseUrl);
    target.host = `127.0.0.1:${proxy.port}`;
    const late = new DatabaseConnection({ url: target.toString(), poolMax: 2, applicationName: 'health-test-late' });
    await late.onModuleInit(); // logs and carries on
    const indicator = new DatabaseHealthIndicator(late);
    expect((await indicator.check()).status).toBe('DOWN');
    await proxy.restore();
    expect((await indicator.check()).status).toBe('UP');
    await late.onApplicationShutdown();
  });
});
