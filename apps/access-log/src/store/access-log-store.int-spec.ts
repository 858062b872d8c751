import { randomUUID } from 'node:crypto';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { TOPICS } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import type { DeadLetterRecord } from '@meshtrail/contracts';
import { ConsumerHost, createKafkaClient, KafkaProducer, TopicNames } from '@meshtrail/kafka';
import { waitFor } from '../../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { AccessLogStoreConsumer } from './access-log-store.consumer';
import { AccessLogRepository } from './access-log.repository';

function record(time: string, overrides: Partial<AccessLogRecord> = {}): AccessLogRecord {
  return {
    id: randomUUID(),
    time,
    service: 'gateway',
    host: 'gw-1',
    remoteIp: '10.0.0.7',
    status: 200,
    method: 'GET',
    path: '/api/v1/events?workspace=ws-1',
    principal: 'jane@example.com',
    userAgent: 'curl/8.5.0',
    accept: 'application/json',
    durationMs: 12,
    line: '10.0.0.7 200 "GET /api/v1/events?workspace=ws-1" [jane@example.com] curl/8.5.0 application/json 12ms',
    ...overrides,
  };
}

describe('access-log store (real PostgreSQL and Kafka)', () => {
  let stack: TestStack;
  let connection: DatabaseConnection;
  let repository: AccessLogRepository;

  beforeAll(async () => {
    stack = await createTestStack('accesslogstore');
    connection = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 2, applicationName: 'test' });
    repository = new AccessLogRepository(connection);
  });
  afterAll(async () => {
    await connection.onApplicationShutdown();
    await stack.teardown();
  });

  it('stores a batch in one statement, idempotently, each row in its month partition', async () => {
    const march = record('2031-03-04T05:06:07.089Z');
    const april = record('2031-04-30T23:59:59.999Z', { principal: null, userAgent: null, accept: null });
    expect(await repository.insert([march, april, march])).toBe(2);
    expect(await repository.insert([march, april])).toBe(0);

    const rows = await stack.query<{ partition: string; id: string; principal: string | null; status: number }>(
      `SELECT tableoid::regclass::text AS partition, id, principal, status FROM access_logs ORDER BY requested_at`,
    );
    expect(rows).toEqual([
      { partition: 'access_logs_203103', id: march.id, principal: 'jane@example.com', status: 200 },
      { partition: 'access_logs_203104', id: april.id, principal: null, status: 200 },
    ]);
  });

  it('consumes access-logs.v1: valid records stored once, malformed ones dead-lettered with their reason', async () => {
    const kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'test-store');
    const topics = new TopicNames({ topicPrefix: stack.topicPrefix, clientId: 'test', connection: {} as never });
    const producer = new KafkaProducer(kafka);
    const host = new ConsumerHost(kafka);
    new AccessLogStoreConsumer(
      host,
      topics,
      repository,
      new DeadLetterQueue(connection, producer, topics),
    ).onModuleInit();
    // the consumer refuses times more than 5 minutes ahead of its clock: these are a minute old
    const minuteAgo = Date.now() - 60_000;
    const first = record(new Date(minuteAgo).toISOString());
    const second = record(new Date(minuteAgo + 1000).toISOString(), { status: 503 });
    await producer.send(stack.topic(TOPICS.accessLogs), [
      { key: 'gateway', value: JSON.stringify(first) },
      { key: 'gateway', value: '{"id":"not json' },
      // several records in one value: the bad line alone is dead-lettered
      { key: 'gateway', value: [JSON.stringify({ ...second, status: 'ok' }), JSON.stringify(second)].join('\n') },
      { key: 'gateway', value: JSON.stringify(first) }, // a redelivery
    ]);

    const deadLetters: Array<{ value: string; reason: string; offset: string }> = [];
    const dlqReader = kafka.consumer({ groupId: `${stack.topicPrefix}dlq-reader` });
    await dlqReader.connect();
    await dlqReader.subscribe({ topics: [stack.topic(TOPICS.accessLogsDeadLetter)], fromBeginning: true });
    await dlqReader.run({
      eachMessage: async ({ message }) => {
        const letter = JSON.parse(message.value!.toString()) as DeadLetterRecord;
        deadLetters.push({
          value: Buffer.from(letter.valueBase64!, 'base64').toString(),
          reason: `${letter.reason}: ${letter.message}`,
          offset: letter.source.offset,
        });
      },
    });
    await host.onApplicationBootstrap();
    try {
      const stored = await waitFor('both records stored', async () => {
        const rows = await stack.query<{ id: string }>(
          `SELECT id FROM access_logs WHERE id = ANY($1::uuid[]) ORDER BY requested_at`,
          [[first.id, second.id]],
        );
        return rows.length === 2 ? rows : undefined;
      });
      expect(stored.map((row) => row.id)).toEqual([first.id, second.id]);
      await waitFor('two dead letters', () => deadLetters.length === 2);
      expect(deadLetters).toEqual([
        { value: '{"id":"not json', reason: expect.stringMatching(/^ACCESS_LOG\.NOT_JSON: line 0: /), offset: '1' },
        {
          value: JSON.stringify({ ...second, status: 'ok' }),
          reason: 'ACCESS_LOG.INVALID: line 0: status must be an integer from 100 to 599',
          offset: '2',
        },
      ]);
    } finally {
      await host.onModuleDestroy();
      await dlqReader.disconnect();
      await producer.close();
    }
  });
});
