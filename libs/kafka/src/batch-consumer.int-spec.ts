import type { Kafka } from 'kafkajs';
import { TOPICS } from '@meshtrail/contracts';
import { waitFor } from '../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { BatchConsumer } from './batch-consumer';
import type { ConsumedRecord } from './consumed-record';
import { createKafkaClient } from './kafka-client.factory';

describe('BatchConsumer (real Kafka)', () => {
  let stack: TestStack;
  let kafka: Kafka;
  let topic: string;

  beforeAll(async () => {
    stack = await createTestStack('batchconsumer');
    kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'batch-consumer-test');
    topic = stack.topic(TOPICS.usageEvents);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    // 3 keys over 3 partitions, 60 records each, numbered per key
    const messages = Array.from({ length: 180 }, (_, i) => ({
      key: `k${i % 3}`,
      value: `${i % 3}:${Math.floor(i / 3)}`,
    }));
    await producer.send({ topic, messages, acks: -1 });
    await producer.disconnect();
  });
  afterAll(() => stack.teardown());

  it('hands every record over in per-key order, retries a failing batch, and commits only what was handled', async () => {
    const handled: string[] = [];
    let failuresLeft = 2;
    const consumer = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-a`,
      topics: [topic],
      retry: { initialMs: 10, maxMs: 50 },
      handle: async (records: ConsumedRecord[]) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error('database unavailable');
        }
        handled.push(...records.map((r) => r.value!.toString()));
      },
    });
    await consumer.start();
    await waitFor('all 180 records', () => handled.length >= 180);
    await consumer.stop();

    expect(handled).toHaveLength(180);
    for (const key of ['0', '1', '2']) {
      const sequence = handled.filter((v) => v.startsWith(`${key}:`)).map((v) => Number(v.split(':')[1]));
      expect(sequence).toEqual(Array.from({ length: 60 }, (_, i) => i));
    }

    // the same group again: everything was committed, nothing comes back
    const again: string[] = [];
    const second = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-a`,
      topics: [topic],
      handle: async (records) => {
        again.push(...records.map((r) => r.value!.toString()));
      },
    });
    await second.start();
    const admin = kafka.admin();
    await admin.connect();
    await waitFor('the second consumer to own every partition', async () => {
      const groups = await admin.describeGroups([`${stack.topicPrefix}group-a`]);
      return groups.groups[0]?.state === 'Stable' ? true : undefined;
    });
    await admin.disconnect();
    await second.stop();
    expect(again).toEqual([]);
  });

  it('leaves a batch it never managed to handle uncommitted, so the next consumer gets it again', async () => {
    const failing = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-b`,
      topics: [topic],
      retry: { initialMs: 10, maxMs: 20 },
      handle: async () => {
        throw new Error('always down');
      },
    });
    let attempts = 0;
    const counting = failing as unknown as { options: { handle: () => Promise<void> } };
    const original = counting.options.handle;
    counting.options.handle = async () => {
      attempts++;
      return original();
    };
    await failing.start();
    await waitFor('a few failed attempts', () => attempts >= 3);
    await failing.stop();

    const recovered: string[] = [];
    const healthy = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-b`,
      topics: [topic],
      handle: async (records) => {
        recovered.push(...records.map((r) => r.value!.toString()));
      },
    });
    await healthy.start();
    await waitFor('all 180 records after recovery', () => recovered.length >= 180);
    await healthy.stop();
    expect(new Set(recovered).size).toBe(180);
  });
});
