import { execFileSync } from 'node:child_process';
import { ServiceProcess } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/poll';

interface Health {
  status: string;
  components: Record<string, { status: string; details?: Record<string, unknown> }>;
}

async function health(url: string, path = '/actuator/health'): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${url}${path}`);
  return { code: res.status, body: (await res.json()) as Health };
}

describe('gateway probes and version (real PostgreSQL and Kafka)', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stack = await createTestStack('probes');
    const proxied = await TcpProxy.inFrontOf(stack.databaseUrl);
    proxy = proxied.proxy;
    gateway = await ServiceProcess.start('gateway', {
      ...stack.env,
      DATABASE_URL: proxied.url,
      HEALTH_TIMEOUT_MS: '1500',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await proxy.cut();
    await stack.teardown();
  });

  it('reports UP in Spring Boot Actuator shape, with db, kafka, accessLog and settingsAudit components', async () => {
    const { code, body } = await health(gateway.url);
    expect(code).toBe(200);
    expect(body).toEqual({
      status: 'UP',
      components: {
        db: {
          status: 'UP',
          details: {
            database: 'PostgreSQL',
            result: 1,
            validationQuery: 'SELECT 1',
            pool: { total: expect.any(Number), idle: expect.any(Number), waiting: 0, max: 10 },
          },
        },
        kafka: { status: 'UP', details: { clusterId: expect.any(String), brokers: 1, controller: expect.any(Number) } },
        accessLog: {
          status: 'UP',
          details: {
            buffered: expect.any(Number),
            bufferedBytes: expect.any(Number),
            maxBytes: 33_554_432,
            droppedTotal: 0,
            lastDropAt: null,
          },
        },
        // the test stack switches the settings audit off (suites count their trail's events exactly)
        settingsAudit: { status: 'UP', details: { enabled: false } },
      },
    });
  });

  it('reaches PostgreSQL as its own role, not as the owner that migrated', async () => {
    await health(gateway.url);
    const sessions = await stack.query<{ role: string }>(
      `SELECT DISTINCT usename::text AS role FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'gateway'`,
    );
    expect(sessions).toEqual([{ role: 'meshtrail_gateway' }]);
  });

  it('serves the Kubernetes liveness and readiness groups', async () => {
    expect(await health(gateway.url, '/actuator/health/liveness')).toEqual({ code: 200, body: { status: 'UP' } });
    const readiness = await health(gateway.url, '/actuator/health/readiness');
    expect(readiness.code).toBe(200);
    expect(readiness.body.status).toBe('UP');
  });

  it('serves /version with the package version and the checkout commit and branch', async () => {
    const res = await fetch(`${gateway.url}/version`);
    expect(res.status).toBe(200);
    const pkg = require('../../package.json') as { version: string };
    const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    let commit: string;
    try {
      commit = git(['rev-parse', 'HEAD']);
    } catch {
      commit = 'unknown'; // a checkout without commits yet
    }
    expect(await res.json()).toEqual({
      package: pkg.version,
      git: commit,
      branch: commit === 'unknown' ? expect.any(String) : git(['rev-parse', '--abbrev-ref', 'HEAD']),
    });
  });

  it('turns DOWN with 503 within 5 s when PostgreSQL goes away, and UP again when it is back', async () => {
    await proxy.cut();
    const down = await waitFor(
      'health to report db DOWN',
      async () => {
        const result = await health(gateway.url);
        return result.body.components.db.status === 'DOWN' ? result : undefined;
      },
      { timeoutMs: 5000, intervalMs: 200 },
    );
    expect(down.code).toBe(503);
    expect(down.body.status).toBe('DOWN');
    expect(down.body.components.db.details?.error).toEqual(expect.any(String));
    expect(down.body.components.kafka.status).toBe('UP');

    await proxy.restore();
    const up = await waitFor('health to be UP again', async () => {
      const result = await health(gateway.url);
      return result.code === 200 ? result : undefined;
    });
    expect(up.body.status).toBe('UP');
  });
});
