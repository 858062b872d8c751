import { spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '../support/poll';
import { createTestStack, type TestStack } from '../support/test-stack';

const ROOT = path.resolve(__dirname, '../..');
const SERVICES = ['gateway', 'audit-ingest', 'access-log', 'telemetry-relay', 'retention'];

/** The README's start command, end to end: everything comes up, and Ctrl-C takes it all down. */
describe('npm start (scripts/start.mjs)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack('startcmd');
  });
  afterAll(() => stack.teardown());

  it('migrates, provisions topics, starts all five services, prints where they listen, and stops on SIGINT', async () => {
    const portBase = 30000 + Math.floor(Math.random() * 1000) * 10;
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      env: { ...process.env, ...stack.env, MESHTRAIL_PORT_BASE: String(portBase), MESHTRAIL_KEEP_BROKER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        'the start command to report that meshtrail is running',
        () => stderr.includes('meshtrail is running'),
        {
          timeoutMs: 90_000,
        },
      );
      SERVICES.forEach((service, index) =>
        expect(stderr).toContain(`${service.padEnd(16)} http://127.0.0.1:${portBase + index}`),
      );
      const health = await fetch(`http://127.0.0.1:${portBase}/actuator/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'UP',
        components: { db: { status: 'UP' }, kafka: { status: 'UP' } },
      });
      for (const [index] of SERVICES.entries()) {
        const live = await fetch(`http://127.0.0.1:${portBase + index}/actuator/health/liveness`);
        expect(live.status).toBe(200);
      }
      // each service logs in as its own role, never as the owner that migrated
      const sessions = await stack.query<{ service: string; role: string }>(
        `SELECT DISTINCT application_name AS service, usename::text AS role FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = ANY($1)`,
        [SERVICES],
      );
      expect(sessions.length).toBeGreaterThan(0);
      for (const { service, role } of sessions) {
        expect({ service, role }).toEqual({ service, role: `meshtrail_${service.replace(/-/g, '_')}` });
      }
      // the setup step migrated the database
      const migrations = await stack.query<{ count: string }>(
        'SELECT count(*)::text AS count FROM meshtrail_migrations',
      );
      expect(Number(migrations[0].count)).toBeGreaterThan(0);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    for (const [index] of SERVICES.entries()) {
      await expect(fetch(`http://127.0.0.1:${portBase + index}/actuator/health/liveness`)).rejects.toThrow();
    }
  }, 150_000);
});
