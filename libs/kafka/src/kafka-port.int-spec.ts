import type { Kafka } from 'kafkajs';
import { TOPICS } from '@meshtrail/contracts';
import { waitFor } from '../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { TopicReader } from '../../../test/support/topic-reader';
import { ConsumerHost } from './consumer-host';
import { consumerRegistry } from './consumer-registry';
import { KafkaAdmin } from './kafka-admin';
import { createKafkaClient } from './kafka-client.factory';
import { KafkaProducer } from './producer';

describe('the Kafka port: one producer, the consumer host, the admin facade (real Kafka)', () => {
  let stack: TestStack;
  let kafka: Kafka;

  beforeAll(async () => {
    stack = await createTestStack('kafkaport');
    kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'kafka-port-test');
  });
  afterAll(() => stack.teardown());

  it('flushes what a publisher holds before the producer closes, then refuses to send', async () => {
    const topic = stack.topic(TOPICS.usageEvents);
    const reader = await TopicReader.start(topic, stack.brokers);
    const producer = new KafkaProducer(kafka);
    await producer.send(topic, [{ key: 'k', value: JSON.stringify({ n: 1 }) }]);
    const held = [{ key: 'k', value: JSON.stringify({ n: 2 }) }];
    producer.flushBeforeClose(async () => {
      await producer.send(topic, held.splice(0));
    });

    await producer.close();
    await expect(producer.send(topic, [{ key: 'k', value: '{}' }])).rejects.toThrow(/closed/);
    try {
      const values = await reader.waitForValues<{ n: number }>('both records', () => true, 2);
      expect(values.map((value) => value.n).sort()).toEqual([1, 2]);
    } finally {
      await reader.stop();
    }
  });

  it('starts the registered handlers on bootstrap, refuses late ones, and stops them all on shutdown', async () => {
    const topics = [stack.topic(TOPICS.accessLogs), stack.topic(TOPICS.retentionCommands)];
    const producer = new KafkaProducer(kafka);
    await producer.send(topics[0], [{ key: 'a', value: 'access' }]);
    await producer.send(topics[1], [{ key: 'r', value: 'command' }]);
    await producer.close();

    const host = new ConsumerHost(kafka);
    const handled: string[] = [];
    for (const [index, topic] of topics.entries()) {
      host.register({
        name: `Port${index}`,
        groupId: `${stack.topicPrefix}port-${index}`,
        topics: [topic],
        handle: async (records) => {
          handled.push(...records.map((record) => record.value!.toString()));
        },
      });
    }
    expect(consumerRegistry.get(`${stack.topicPrefix}port-0`)).toBeUndefined();

    await host.onApplicationBootstrap();
    try {
      expect(() =>
        host.register({ name: 'Late', groupId: 'late', topics: [topics[0]], handle: async () => {} }),
      ).toThrow(/registered after start/);
      await waitFor('a record of each topic', () => handled.length >= 2);
      expect(handled.sort()).toEqual(['access', 'command']);
      expect(consumerRegistry.get(`${stack.topicPrefix}port-1`)?.state).toBe('running');
    } finally {
      await host.onModuleDestroy();
    }
    expect(consumerRegistry.get(`${stack.topicPrefix}port-0`)).toBeUndefined();
    expect(consumerRegistry.get(`${stack.topicPrefix}port-1`)).toBeUndefined();

    const admin = new KafkaAdmin(kafka);
    try {
      const committed = await admin.groupOffsets(`${stack.topicPrefix}port-0`, [topics[0]]);
      const ends = await admin.watermarks(topics[0]);
      const total = (offsets: Array<{ offset?: string; high?: string }>, field: 'offset' | 'high') =>
        offsets.reduce((sum, entry) => sum + Math.max(0, Number(entry[field])), 0);
      expect(total(committed[0].partitions, 'offset')).toBe(total(ends, 'high'));
      expect(await admin.groupState(`${stack.topicPrefix}port-0`)).toBe('Empty');
      expect((await admin.describeCluster()).brokers).toBeGreaterThan(0);
    } finally {
      await admin.close();
    }
  });
});
