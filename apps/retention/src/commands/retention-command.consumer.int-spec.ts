import { TOPICS } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import { ConsumerHost, createKafkaClient, KafkaProducer, TopicNames } from '@meshtrail/kafka';
import { waitFor } from '../../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import type { RetentionEnforcer } from '../enforcement/retention-enforcer';
import { INVALID_COMMAND, RetentionCommandConsumer } from './retention-command.consumer';

describe('retention command consumer (real PostgreSQL and Kafka)', () => {
  let stack: TestStack;
  let connection: DatabaseConnection;
  let producer: KafkaProducer;

  beforeAll(async () => {
    stack = await createTestStack('retentioncommands');
    connection = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 2, applicationName: 'test' });
    producer = new KafkaProducer(createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'test-rc'));
  });
  afterAll(async () => {
    await producer.close();
    await connection.onApplicationShutdown();
    await stack.teardown();
  });

  it('dead-letters a malformed command with its parse reason, and passes over it', async () => {
    const kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'test-rc-consumer');
    const names = new TopicNames({ topicPrefix: stack.topicPrefix, clientId: 'test', connection: {} as never });
    // no valid command is sent: the enforcer is never asked
    const enforcer = { enforce: () => Promise.reject(new Error('not expected')), abort: () => undefined };
    const host = new ConsumerHost(kafka);
    const consumer = new RetentionCommandConsumer(
      host,
      names,
      enforcer as unknown as RetentionEnforcer,
      new DeadLetterQueue(connection, producer, names),
    );
    consumer.onModuleInit();
    await producer.send(stack.topic(TOPICS.retentionCommands), [
      { key: 'retention', value: '{"type":"EnforceRetention"' },
      { key: 'retention', value: '{"type":"EnforceRetention","dryRun":"yes"}' },
    ]);
    await host.onApplicationBootstrap();
    try {
      const rows = await waitFor('two dead letters', async () => {
        const found = await stack.query<{ reason: string; message: string; value: Buffer }>(
          `SELECT reason, message, value FROM dead_letters WHERE source_topic = $1 ORDER BY source_offset`,
          [stack.topic(TOPICS.retentionCommands)],
        );
        return found.length === 2 ? found : undefined;
      });
      expect(rows.map((row) => row.reason)).toEqual([INVALID_COMMAND, INVALID_COMMAND]);
      expect(rows[0].message).toBe('not JSON');
      expect(rows[1].message).toMatch(/\S/);
      expect(rows[0].value.toString()).toBe('{"type":"EnforceRetention"');
    } finally {
      consumer.onModuleDestroy();
      await host.onModuleDestroy();
    }
  });
});
