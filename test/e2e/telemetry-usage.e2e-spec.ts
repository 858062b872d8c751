import http from 'node:http';
import { createKafkaClient } from '@meshtrail/kafka';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

describe('usage events, when an installation enables them', () => {
  let stack: TestStack;
  let relay: ServiceProcess;
  let server: http.Server;
  const received: Array<{ path: string; body: Record<string, unknown> }> = [];

  beforeAll(async () => {
    stack = await createTestStack('usage');
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
        res.writeHead(202).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    relay = await ServiceProcess.start('telemetry-relay', {
      ...stack.env,
      TELEMETRY_USAGE_ENABLED: 'true',
      TELEMETRY_ALLOW_INSECURE: 'true',
      TELEMETRY_USAGE_ENDPOINT: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      TELEMETRY_USAGE_DOMAIN: 'meshtrail.example',
    });
    await relay.waitForLog('Consumer Started', (line) => String(line.groupId).endsWith('telemetry-relay.usage'));
  }, 60_000);
  afterAll(async () => {
    await relay?.stop();
    await new Promise((resolve) => server?.close(resolve));
    await stack?.teardown();
  });

  it('go to the Plausible events API, scrubbed; malformed ones are logged with their reason', async () => {
    const producer = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'usage-e2e').producer();
    await producer.connect();
    await producer.send({
      topic: stack.topic('usage.events.v1'),
      messages: [
        { value: 'not json' },
        {
          value: JSON.stringify({
            name: 'pageview',
            page: '/workspaces/acme-corp/projects?owner=jane@acme.example',
            props: { feature: 'event-log', workspace: 'acme-corp' },
          }),
        },
      ],
    });
    await producer.disconnect();
    await waitFor('the usage event at the endpoint', () => received.length > 0, { timeoutMs: 30_000 });
    expect(received).toEqual([
      {
        path: '/api/event',
        body: {
          name: 'pageview',
          url: 'https://meshtrail.example/workspaces/:redacted/projects',
          domain: 'meshtrail.example',
          props: { feature: 'event-log' },
        },
      },
    ]);
    const rejected = await relay.waitForLog('Usage Event Rejected');
    expect(rejected.reason).toBe('not JSON');
    const letters = await waitFor('the malformed usage event kept as a dead letter', async () => {
      const rows = await stack.query<{ reason: string; message: string }>(
        'SELECT reason, message FROM dead_letters WHERE source_topic = $1',
        [stack.topic('usage.events.v1')],
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(letters).toEqual([{ reason: 'USAGE.INVALID', message: 'not JSON' }]);
    expect(relay.logs.some((l) => l.message === 'Telemetry Relay Idle')).toBe(true);
  });
});
