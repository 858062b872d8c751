import { createHash } from 'node:crypto';
import { TOPICS, type DeadLetterRecord, type TopicName } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { createKafkaClient, KafkaProducer, TopicNames, type DeadLetter } from '@meshtrail/kafka';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { TopicReader } from '../../../test/support/topic-reader';
import { DeadLetterQueue } from './dead-letter-queue';

describe('DeadLetterQueue (real PostgreSQL and Kafka)', () => {
  let stack: TestStack;
  let connection: DatabaseConnection;
  let producer: KafkaProducer;
  let queue: DeadLetterQueue;
  let dlq: TopicReader;

  beforeAll(async () => {
    stack = await createTestStack('deadletterqueue');
    connection = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 2, applicationName: 'test' });
    producer = new KafkaProducer(createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'test-dlq'));
    const topics = new TopicNames({ topicPrefix: stack.topicPrefix, clientId: 'test', connection: {} as never });
    queue = new DeadLetterQueue(connection, producer, topics);
    dlq = await TopicReader.start(stack.topic(TOPICS.auditEventsDeadLetter), stack.brokers);
  });
  afterAll(async () => {
    await dlq.stop();
    await producer.close();
    await connection.onApplicationShutdown();
    await stack.teardown();
  });

  const letter = (topic: TopicName, offset: string, value: Buffer, reason = 'EVENT.TOO_LARGE'): DeadLetter => ({
    record: {
      topic: stack.topic(topic),
      partition: 0,
      offset,
      key: Buffer.from('acme'),
      value,
      headers: { 'content-type': 'application/cloudevents+json' },
      timestamp: String(Date.now()),
      size: value.length + 4,
    },
    reason,
    message: `the event is ${value.length} bytes, over 1 MiB: "${value.subarray(0, 200).toString('utf8')}…"`.repeat(40),
  });

  it('keeps a 1 MB original whole in the table and publishes a small record with its size, SHA-256 and row', async () => {
    const original = Buffer.alloc(1_048_600, 'x');
    original.write('{"specversion":"1.0","data":"', 0);
    await queue.send([letter(TOPICS.auditEvents, '12', original)]);

    const [row] = await stack.query<{ id: string; value: Buffer; value_size: number; value_sha256: string }>(
      `SELECT id::text, value, value_size, value_sha256 FROM dead_letters WHERE source_offset = 12`,
    );
    const sha256 = createHash('sha256').update(original).digest('hex');
    expect(row.value.equals(original)).toBe(true);
    expect({ size: row.value_size, sha256: row.value_sha256 }).toEqual({ size: original.length, sha256 });

    await dlq.waitForValues<DeadLetterRecord>('the dead letter', (v) => v.source.offset === '12');
    const record = dlq.records.find((r) => JSON.parse(String(r.value)).source.offset === '12')!;
    expect(record.size).toBeLessThan(8192);
    expect(JSON.parse(String(record.value))).toMatchObject({
      reason: 'EVENT.TOO_LARGE',
      valueBase64: null,
      originalOmitted: true,
      valueSize: original.length,
      valueSha256: sha256,
      messageTruncated: true,
      storedAs: { table: 'dead_letters', id: row.id },
    });
    expect(record.headers['meshtrail-dlq-reason']).toBe('EVENT.TOO_LARGE');
  });

  it('stores a redelivered dead letter once, and keeps dead letters of topics without a dead-letter topic in the table', async () => {
    const small = Buffer.from('not json');
    await queue.send([letter(TOPICS.keycloakEventsRaw, '3', small, 'KEYCLOAK.UNPARSEABLE_LINE')]);
    await queue.send([letter(TOPICS.keycloakEventsRaw, '3', small, 'KEYCLOAK.UNPARSEABLE_LINE')]);
    await queue.send([letter(TOPICS.telemetryOtlp, '5', small, 'TELEMETRY.UNDECODABLE')]);
    const rows = await stack.query<{ source_topic: string; n: string }>(
      `SELECT source_topic, count(*)::text AS n FROM dead_letters WHERE source_offset IN (3, 5) GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { source_topic: stack.topic(TOPICS.keycloakEventsRaw), n: '1' },
      { source_topic: stack.topic(TOPICS.telemetryOtlp), n: '1' },
    ]);
    // Keycloak's go to audit.events.dlq.v1 (at least once: a redelivery publishes again), carrying the original
    const published = await dlq.waitForValues<DeadLetterRecord>(
      'the keycloak dead letters',
      (v) => v.reason === 'KEYCLOAK.UNPARSEABLE_LINE',
      2,
    );
    expect(published[0].valueBase64).toBe(small.toString('base64'));
    expect(published[0].storedAs).toEqual(published[1].storedAs);
  });
});
