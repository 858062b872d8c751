import fs from 'node:fs';
import { brokerStateDir, freePortPair, kafkaLocal } from '../support/kafka-local';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/poll';

interface Health {
  status: string;
  components: Record<string, { status: string; details?: Record<string, unknown> }>;
}

/**
 * A broker of its own, so stopping it takes nothing away from the other suites: the same
 * kafka-local script the start command uses, on a free port.
 */
describe('gateway health when the broker stops and comes back', () => {
  let port: number;
  let stack: TestStack;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    port = await freePortPair();
    await kafkaLocal('start', port);
    stack = await createTestStack('brokerdown');
    gateway = await ServiceProcess.start('gateway', {
      ...stack.env,
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      HEALTH_TIMEOUT_MS: '1500',
    });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await kafkaLocal('stop', port);
    fs.rmSync(brokerStateDir(port), { recursive: true, force: true });
    await stack.teardown();
  }, 60_000);

  const health = async () => {
    const res = await fetch(`${gateway.url}/actuator/health`);
    return { code: res.status, body: (await res.json()) as Health };
  };

  it('is DOWN with 503 within 5 s of the broker stopping, and UP again once it is back', async () => {
    expect((await health()).body.components.kafka.status).toBe('UP');

    await kafkaLocal('stop', port);
    const down = await waitFor(
      'kafka to be reported DOWN',
      async () => {
        const result = await health();
        return result.body.components.kafka.status === 'DOWN' ? result : undefined;
      },
      { timeoutMs: 5000, intervalMs: 200 },
    );
    expect(down.code).toBe(503);
    expect(down.body.status).toBe('DOWN');
    expect(down.body.components.db.status).toBe('UP');

    await kafkaLocal('start', port);
    const up = await waitFor('kafka to be UP again', async () => {
      const result = await health();
      return result.code === 200 ? result : undefined;
    });
    expect(up.body.components.kafka.status).toBe('UP');
  }, 120_000);
});
