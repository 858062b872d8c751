import type { Kafka } from 'kafkajs';
import { TOPICS } from '@meshtrail/contracts';
import { waitFor } from '../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { BatchConsumer } from './batch-consumer';
import type { ConsumedRecord } from './consumed-record';
import { ConsumerRegistry } from './consumer-registry';
import type { DeadLetter } from './dead-letter';
import { TransientError } from './failure-kind';
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

  it('hands every record over in per-key order, retries a batch the infrastructure failed, and commits only what was handled', async () => {
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
          throw new TransientError('database unavailable');
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
        throw new TransientError('always down');
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

  it('isolates a record whose handling fails on its own, dead-letters it with the error, and stores every other record once and in order', async () => {
    const handled: string[] = [];
    const letters: DeadLetter[] = [];
    const poison = new Set(['0:7', '1:0', '1:59', '2:30', '2:31']);
    const consumer = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-c`,
      topics: [topic],
      handle: async (records) => {
        const bad = records.find((r) => poison.has(r.value!.toString()));
        if (bad) {
          throw Object.assign(new Error('new row violates check constraint "no_poison"'), {
            code: '23514',
            severity: 'ERROR',
          });
        }
        handled.push(...records.map((r) => r.value!.toString()));
      },
      deadLetter: async (batch) => {
        letters.push(...batch);
      },
    });
    await consumer.start();
    await waitFor('every record handled or dead-lettered', () => handled.length + letters.length >= 180);
    await consumer.stop();

    expect(letters.map((l) => l.record.value!.toString()).sort()).toEqual([...poison].sort());
    expect(letters[0]).toMatchObject({
      reason: 'RECORD.HANDLING_FAILED',
      message: 'new row violates check constraint "no_poison" (SQLSTATE 23514)',
    });
    expect(handled).toHaveLength(175);
    for (const key of ['0', '1', '2']) {
      const sequence = handled.filter((v) => v.startsWith(`${key}:`)).map((v) => Number(v.split(':')[1]));
      const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => !poison.has(`${key}:${i}`));
      expect(sequence).toEqual(expected);
    }
  });

  it('keeps the other partitions going while one is paused by an outage that only it meets', async () => {
    const handled: string[] = [];
    const registry = new ConsumerRegistry();
    const consumer = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-d`,
      topics: [topic],
      retry: { initialMs: 50, maxMs: 200 },
      registry,
      handle: async (records, context) => {
        if (context.partition === 0) throw new TransientError('partition 0 database shard is down');
        handled.push(...records.map((r) => r.value!.toString()));
      },
    });
    await consumer.start();
    await waitFor('the other two partitions drained', () => handled.length >= 120);
    const status = registry.get(`${stack.topicPrefix}group-d`)!;
    await waitFor('partition 0 reported failing', () => status.partitions.get(`${topic}/0`)?.lastError);
    expect(status.partitions.get(`${topic}/0`)!.lastError).toMatchObject({
      kind: 'transient',
      offset: '0',
      message: 'partition 0 database shard is down',
    });
    await consumer.stop();
    expect(handled).toHaveLength(120);
  });

  it('takes a failure that every record meets for systemic: dead-letters nothing, pauses, and reports it', async () => {
    const letters: DeadLetter[] = [];
    const registry = new ConsumerRegistry();
    let broken = true;
    const handled: string[] = [];
    const consumer = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-e`,
      topics: [topic],
      retry: { initialMs: 50, maxMs: 200 },
      registry,
      handle: async (records) => {
        if (broken) throw new Error('the handler was deployed broken');
        handled.push(...records.map((r) => r.value!.toString()));
      },
      probe: async () => {
        if (broken) throw new Error('the handler was deployed broken');
      },
      deadLetter: async (batch) => {
        letters.push(...batch);
      },
    });
    await consumer.start();
    const status = registry.get(`${stack.topicPrefix}group-e`)!;
    await waitFor('the consumer to call it systemic', () => status.systemic);
    expect(status.systemic!.message).toBe('the handler was deployed broken');
    broken = false;
    await waitFor('every record stored once the deployment is fixed', () => handled.length >= 180);
    await consumer.stop();
    expect(letters).toEqual([]);
    expect(new Set(handled).size).toBe(180);
    expect(status.systemic).toBeUndefined();
  });

  it('dead-letters a partition of nothing but bad records once the last record that worked still works (no halt)', async () => {
    const handled: string[] = [];
    const letters: DeadLetter[] = [];
    const consumer = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-f`,
      topics: [topic],
      retry: { initialMs: 50, maxMs: 200 },
      handle: async (records) => {
        if (records.some((r) => r.value!.toString().startsWith('2:'))) throw new Error('key 2 is refused');
        handled.push(...records.map((r) => r.value!.toString()));
      },
      deadLetter: async (batch) => {
        letters.push(...batch);
      },
    });
    await consumer.start();
    await waitFor('every record handled or dead-lettered', () => handled.length + letters.length >= 180);
    await consumer.stop();
    expect(new Set(handled).size).toBe(120);
    expect(letters.map((l) => l.record.value!.toString()).sort()).toEqual(
      Array.from({ length: 60 }, (_, i) => `2:${i}`).sort(),
    );
  });

  it('with no evidence either way (no probe, nothing ever worked), drops the systemic verdict after a few retries and its time rather than halting for ever', async () => {
    const letters: DeadLetter[] = [];
    let firstLetterAt: number | undefined;
    const registry = new ConsumerRegistry();
    const groupId = `${stack.topicPrefix}group-g`;
    const window = 5000;
    const consumer = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId,
      topics: [topic],
      retry: { initialMs: 20, maxMs: 50 },
      systemicWithoutEvidenceMs: window,
      registry,
      handle: async () => {
        throw new Error('every record here is refused');
      },
      deadLetter: async (batch) => {
        firstLetterAt ??= Date.now();
        letters.push(...batch);
      },
    });
    await consumer.start();
    const verdict = await waitFor('the verdict to be systemic', () => registry.get(groupId)?.systemic, {
      timeoutMs: 30_000,
      intervalMs: 10,
    });
    await waitFor(
      'every record dead-lettered',
      () => new Set(letters.map((l) => l.record.value!.toString())).size >= 180,
      { timeoutMs: 60_000 },
    );
    await consumer.stop();
    // five retries (each waiting for kafkajs to resume the paused partitions) drop it within about
    // three seconds: the window held it
    // (the verdict's time is taken a moment after the window's start)
    expect(firstLetterAt! - verdict.since).toBeGreaterThanOrEqual(window - 100);
  });

  it('asks the probe, not the records, whether the deployment works', async () => {
    const letters: DeadLetter[] = [];
    const registry = new ConsumerRegistry();
    let probes = 0;
    const consumer = new BatchConsumer({
      kafka,
      name: 'Test',
      groupId: `${stack.topicPrefix}group-h`,
      topics: [topic],
      retry: { initialMs: 50, maxMs: 200 },
      registry,
      handle: async () => {
        throw new Error('the write path is broken');
      },
      probe: async () => {
        probes++;
        throw new Error('the write path is broken');
      },
      deadLetter: async (batch) => {
        letters.push(...batch);
      },
    });
    await consumer.start();
    const status = registry.get(`${stack.topicPrefix}group-h`)!;
    await waitFor('a few probes', () => probes >= 4);
    expect(status.systemic?.message).toBe('the write path is broken');
    await consumer.stop();
    expect(letters).toEqual([]);
  });
});
