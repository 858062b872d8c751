import { execFileSync } from 'node:child_process';
import { parseAccessLine } from '@meshtrail/observability';
import { waitFor } from '../support/poll';
import { ServiceProcess, type ServiceName } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

const SERVICES: ServiceName[] = ['gateway', 'audit-ingest', 'access-log', 'telemetry-relay', 'retention'];

describe('every service: probes, graceful shutdown, and refusal of a bad configuration', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack('lifecycle');
  });
  afterAll(() => stack.teardown());

  it.each(SERVICES)('%s serves its probes and /metrics, logs JSON, and stops cleanly on SIGTERM', async (name) => {
    const service = await ServiceProcess.start(name, stack.env);
    try {
      for (const path of ['/actuator/health', '/actuator/health/liveness', '/actuator/health/readiness']) {
        const res = await fetch(`${service.url}${path}`);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect(await res.json()).toMatchObject({ status: 'UP' });
      }
      const metrics = await fetch(`${service.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain(`service_name="meshtrail-${name}"`);
    } finally {
      const exit = await service.stop();
      expect(exit).toEqual({ code: 0, signal: null });
    }
    const started = service.logs.find((line) => line.message === 'Service Started')!;
    expect(started).toMatchObject({ level: 'INFO', service: name, logger: 'Bootstrap' });
    expect(String(started.timestamp)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(service.logs.map((line) => line.message)).toEqual(
      expect.arrayContaining(['Service Stopping', 'Service Stopped']),
    );
    // by default stdout holds the component logs only, one JSON object per line: access lines
    // (addresses, principals) go to their own stream, access-logs.v1 (ACCESS_LOG_STDOUT=true adds them)
    expect(service.rawStdout.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(service.rawStdout.filter((line) => parseAccessLine(line))).toEqual([]);
  });

  it.each(SERVICES)('%s exits non-zero at start, naming every bad variable', async (name) => {
    const service = ServiceProcess.spawn(name, {
      ...stack.env,
      LOG_LEVEL: 'loud',
      PORT: 'eighty',
      KAFKA_BROKERS: 'no-port-here',
      DATABASE_URL: 'mysql://root:hunter2@db/x',
    });
    const exit = await service.exited();
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const fatal = service.logs.find((line) => line.message === 'Invalid Configuration');
    expect(fatal).toBeDefined();
    const variables = (fatal!.problems as Array<{ variable: string }>).map((p) => p.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
    expect(service.stderr).toContain('LOG_LEVEL: must be one of');
    expect(service.stderr).toMatch(/PORT: .*must be an integer port number/);
    expect(service.stderr + service.rawStdout.join('\n')).not.toContain('hunter2');
  });

  it('writes the text format when LOG_FORMAT=text, and only what LOG_LEVEL lets through', async () => {
    const text = ServiceProcess.spawn('gateway', { ...stack.env, LOG_FORMAT: 'text' });
    const started = await waitFor('a text "Service Started" line', () =>
      text.rawStdout.find((line) => line.includes(' Bootstrap : Service Started ')),
    );
    expect(started).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z {2}INFO \d+ --- \[main\] Bootstrap : Service Started port=\d+ url=http:\/\/127\.0\.0\.1:\d+$/,
    );
    expect(await text.stop()).toEqual({ code: 0, signal: null });

    const quiet = ServiceProcess.spawn('gateway', { ...stack.env, LOG_LEVEL: 'warn' });
    await waitFor('the quiet gateway to answer', async () => {
      const port = await findListeningPort(quiet);
      return port !== undefined;
    });
    expect(await quiet.stop()).toEqual({ code: 0, signal: null });
    expect(quiet.logs.filter((line) => line.level === 'INFO' || line.level === 'DEBUG')).toEqual([]);
  });
});

/** A service at LOG_LEVEL=warn does not announce its port; find it from the process's sockets. */
async function findListeningPort(service: ServiceProcess): Promise<number | undefined> {
  const pid = service.child.pid;
  const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.includes(`pid=${pid},`));
  const port = line?.match(/127\.0\.0\.1:(\d+)/)?.[1];
  if (!port) return undefined;
  const res = await fetch(`http://127.0.0.1:${port}/actuator/health/liveness`);
  return res.ok ? Number(port) : undefined;
}
