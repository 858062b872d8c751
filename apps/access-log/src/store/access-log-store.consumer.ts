import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { decodeAccessLogRecords, TOPICS, type AccessLogRecord } from '@meshtrail/contracts';
import {
  BatchConsumer,
  deadLetterMessage,
  KAFKA_CLIENT,
  KafkaProducer,
  TopicNames,
  type BatchContext,
  type ConsumedRecord,
} from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { AccessLogRepository } from './access-log.repository';

/**
 * `ACCESS_LOG.INVALID: status must be ...` as the dead letter's stable reason and its message,
 * which names the refused line of a multi-record value.
 */
function refusal(record: ConsumedRecord, reason: string, line: number) {
  const colon = reason.indexOf(': ');
  const code = colon < 0 ? reason : reason.slice(0, colon);
  const detail = colon < 0 ? reason : reason.slice(colon + 2);
  return { record, reason: code, message: `line ${line}: ${detail}` };
}

/**
 * Consumes access-logs.v1 in batches into the access-log store. A line that is not a valid
 * AccessLogRecord goes to access-logs.dlq.v1 with its reason; offsets are committed only after
 * the insert (and the dead letters) succeeded, and the insert is idempotent, so a redelivered
 * batch is stored once.
 */
@Injectable()
export class AccessLogStoreConsumer implements BeforeApplicationShutdown {
  private readonly logger = new AppLogger('AccessLogStore');
  private consumer?: BatchConsumer;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly repository: AccessLogRepository,
    private readonly producer: KafkaProducer,
  ) {}

  async start(): Promise<void> {
    this.consumer = new BatchConsumer({
      kafka: this.kafka,
      name: 'AccessLogStore',
      groupId: this.topics.group('access-log.store'),
      topics: [this.topics.topic(TOPICS.accessLogs)],
      handle: (records, context) => this.handle(records, context),
    });
    await this.consumer.start();
  }

  async handle(records: ConsumedRecord[], context: BatchContext): Promise<void> {
    const started = Date.now();
    const valid: AccessLogRecord[] = [];
    const deadLetters = [];
    // records dated outside the window are refused: PostgreSQL stores what is left
    const window = { now: new Date() };
    for (const record of records) {
      const decoded = decodeAccessLogRecords(record.value, window);
      valid.push(...decoded.records);
      for (const { index, line, reason } of decoded.rejected) {
        // the dead letter carries the refused line alone; the rest of the message is stored
        deadLetters.push(deadLetterMessage(refusal({ ...record, value: Buffer.from(line, 'utf8') }, reason, index)));
      }
    }
    const stored = await this.repository.insert(valid);
    if (deadLetters.length > 0) {
      await this.producer.send(this.topics.topic(TOPICS.accessLogsDeadLetter), deadLetters);
    }
    this.logger.info('Access Logs Stored', {
      topic: context.topic,
      partition: context.partition,
      count: stored,
      duplicates: valid.length - stored,
      deadLetters: deadLetters.length,
      durationMs: Date.now() - started,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
