import { metrics } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { AppLogger } from '@meshtrail/observability';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { toConsumedRecord, type ConsumedRecord } from './consumed-record';

export interface BatchContext {
  topic: string;
  partition: number;
  /** Keeps the group membership alive while a handler works for longer than the session timeout. */
  heartbeat(): Promise<void>;
}

/**
 * Stores (or otherwise fully handles) a batch of one partition's records, in order. Resolving
 * means "done": offsets are committed right after. Throwing means "not done, try again": nothing
 * is committed and the same records are handed in again after a backoff.
 */
export type BatchHandler = (records: ConsumedRecord[], context: BatchContext) => Promise<void>;

export interface BatchConsumerOptions {
  kafka: Kafka;
  /** Used in logs and metrics. */
  name: string;
  groupId: string;
  topics: string[];
  handle: BatchHandler;
  /** Start from the earliest retained record when the group has no committed offset. */
  fromBeginning?: boolean;
  retry?: BackoffPolicy;
  partitionsConsumedConcurrently?: number;
  /** Upper bound of the bytes fetched per partition per request: bounds batch size and memory. */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  /** How long the group waits for a silent member (a crashed process) before reassigning its partitions. */
  sessionTimeoutMs?: number;
}

const meter = metrics.getMeter('meshtrail');
const consumedRecords = meter.createCounter('meshtrail.kafka.consumer.records', {
  description: 'Records handled and committed, by topic and consumer group',
});
const consumedBytes = meter.createCounter('meshtrail.kafka.consumer.bytes', {
  description: 'Bytes (key plus value) handled and committed',
});
const failedBatches = meter.createCounter('meshtrail.kafka.consumer.batch_failures', {
  description: 'Batch handling attempts that failed and were retried',
});
const batchDuration = meter.createHistogram('meshtrail.kafka.consumer.batch.duration', {
  unit: 's',
  description: 'Time from receiving a batch to committing it, retries included',
  advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
});
const lagGauge = meter.createObservableGauge('meshtrail.kafka.consumer.lag', {
  description: 'Records behind the partition high watermark at the last batch',
});
const lagByPartition = new Map<string, { attributes: Record<string, string | number>; lag: number }>();
lagGauge.addCallback((result) => {
  for (const { attributes, lag } of lagByPartition.values()) result.observe(lag, attributes);
});

/**
 * kafkajs batch consumption with the guarantees meshtrail relies on: records of a partition are
 * handled in order, offsets are committed only after the handler resolved (after the database
 * commit), and a failing handler is retried with backoff while the partition waits, so nothing
 * is skipped. On stop, the batch in flight finishes (or is abandoned uncommitted) before the
 * consumer leaves the group.
 */
export class BatchConsumer {
  private readonly logger: AppLogger;
  private consumer?: Consumer;
  private stopping = false;

  constructor(private readonly options: BatchConsumerOptions) {
    this.logger = new AppLogger(`${options.name}Consumer`);
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    this.stopping = false;
    this.consumer = kafka.consumer({
      groupId,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1_048_576,
      maxBytes: this.options.maxBytes ?? 10_485_760,
      // heartbeats continue during long retries (we call heartbeat()), so a modest timeout suffices
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      retry: { retries: 10 },
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.logger.info('Consumer Started', { groupId, topics });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale } =
      payload;
    if (batch.messages.length === 0) return;
    const started = process.hrtime.bigint();
    const context: BatchContext = { topic: batch.topic, partition: batch.partition, heartbeat };
    const records = batch.messages.map((message) => toConsumedRecord(batch.topic, batch.partition, message));
    const policy = this.options.retry ?? { initialMs: 200, maxMs: 10_000 };

    for (let attempt = 1; ; attempt++) {
      // A rebalance or a stop while we retry: leave the batch uncommitted; it is delivered again.
      if (!isRunning() || isStale() || this.stopping) return;
      try {
        await this.options.handle(records, context);
        break;
      } catch (error) {
        failedBatches.add(1, { topic: batch.topic, group: this.options.groupId });
        const delay = backoffDelay(attempt, policy);
        this.logger.warn('Batch Failed', {
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: batch.firstOffset(),
          records: records.length,
          attempt,
          retryInMs: delay,
          error: (error as Error).message,
        });
        await this.waitWithHeartbeat(delay, heartbeat);
      }
    }

    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary(uncommittedOffsets());
    const attributes = { topic: batch.topic, group: this.options.groupId };
    consumedRecords.add(records.length, attributes);
    batchDuration.record(Number(process.hrtime.bigint() - started) / 1e9, attributes);
    consumedBytes.add(
      records.reduce((sum, record) => sum + record.size, 0),
      attributes,
    );
    lagByPartition.set(`${this.options.groupId}/${batch.topic}/${batch.partition}`, {
      attributes: { ...attributes, partition: batch.partition },
      lag: Number(batch.offsetLag()),
    });
    await heartbeat();
  }

  private async waitWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && !this.stopping) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, until - Date.now())));
      await heartbeat().catch(() => undefined);
    }
  }

  /** Stops fetching, lets the batch in flight finish or abandon its retries, commits, leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.disconnect();
    this.logger.info('Consumer Stopped', { groupId: this.options.groupId });
  }
}
