import net from 'node:net';
import { kafkaBrokers } from '../../../test/support/run-id';
import { probeAdmin } from './kafka-admin';
import { KafkaHealthIndicator } from './kafka-health.indicator';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const admin = (brokers: string[]) => probeAdmin({ KAFKA_BROKERS: brokers, KAFKA_SSL: false }, 'health-test');

describe('KafkaHealthIndicator over the admin facade (real Kafka)', () => {
  it('is UP with the cluster id and broker count', async () => {
    const cluster = admin(kafkaBrokers());
    const result = await new KafkaHealthIndicator(cluster).check();
    await cluster.close();
    expect(result.status).toBe('UP');
    expect(result.details).toMatchObject({ brokers: 1, clusterId: expect.any(String) });
  });

  it('is DOWN with the reason when no broker listens', async () => {
    const cluster = admin([`127.0.0.1:${await closedPort()}`]);
    const result = await new KafkaHealthIndicator(cluster).check();
    await cluster.close();
    expect(result.status).toBe('DOWN');
    expect(String(result.details?.error)).toMatch(/connect|ECONNREFUSED/i);
  });
});
