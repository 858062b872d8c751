import { metrics } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { AppLogger, traceConsumedBatch } from '@meshtrail/observability';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { toConsumedRecord, type ConsumedRecord } from './consumed-record';
import { consumerRegistry, partitionKey, type ConsumerRegistry, type ConsumerStatus } from './consumer-registry';
import type { DeadLetter } from './dead-letter';
import { classifyFailure, describeFailure, type FailureKind } from './failure-kind';
import { isolateFailures } from './isolate-failures';

export interface BatchContext {
  topic: string;
  partition: number;
  /** Keeps the group membership alive while a handler works for longer than the session timeout. */
  heartbeat(): Promise<void>;
}

/**
 * Stores (or otherwise fully handles) a batch of one partition's records, in order. Resolving
 * means "done": offsets are committed right after. Throwing means "not done": what happens next
 * depends on the error (see failure-kind.ts), and the same records may be handed in again, alone
 * or in smaller slices, so a handler must be idempotent.
 */
export type BatchHandler = (records: ConsumedRecord[], context: BatchContext) => Promise<void>;

/** The dead-letter reason of a record whose handling threw on its own. */
export const RECORD_FAILED = 'RECORD.HANDLING_FAILED';

export interface BatchConsumerOptions {
  kafka: Kafka;
  /** Used in logs and metrics. */
  name: string;
  groupId: string;
  topics: string[];
  handle: BatchHandler;
  /**
   * Takes the records whose handling failed on their own (isolated from their batch), with the
   * error. Resolving means they are kept safely; the partition then moves past them.
   */
  deadLetter?: (letters: DeadLetter[]) => Promise<void>;
  /** Start from the earliest retained record when the group has no committed offset. */
  fromBeginning?: boolean;
  retry?: BackoffPolicy;
  partitionsConsumedConcurrently?: number;
  /** Upper bound of the bytes fetched per partition per request: bounds batch size and memory. */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  /** How long the group waits for a silent member (a crashed process) before reassigning its partitions. */
  sessionTimeoutMs?: number;
  /**
   * Records failing one after another, with no record succeeding anywhere on this consumer in
   * between, after which the failure is taken for systemic (a broken deployment): the consumer
   * pauses and reports DOWN instead of dead-lettering the stream.
   */
  systemicAfter?: number;
  /**
   * Tries the handler's write path without keeping anything (a write rolled back) and throws when
   * it fails: asked when isolated failures pile up, to tell bad records from a broken deployment.
   * Without one, the consumer handles the last record that worked once more (idempotently).
   */
  probe?: () => Promise<void>;
  /**
   * With neither a probe nor a record that worked, how long the verdict stays systemic at one offset
   * (and at least five retries) before the records there are taken for the bad ones.
   */
  systemicWithoutEvidenceMs?: number;
  registry?: ConsumerRegistry;
}

const meter = metrics.getMeter('meshtrail');
const consumedRecords = meter.createCounter('meshtrail.kafka.consumer.records', {
  description: 'Records handled and committed, by topic and consumer group',
});
const consumedBytes = meter.createCounter('meshtrail.kafka.consumer.bytes', {
  description: 'Bytes (key plus value) handled and committed',
});
const failedBatches = meter.createCounter('meshtrail.kafka.consumer.batch_failures', {
  description: 'Batch handling attempts that failed, by kind (transient, systemic, record)',
});
const isolatedRecords = meter.createCounter('meshtrail.kafka.consumer.isolated_records', {
  description: 'Records whose handling failed on their own, isolated from their batch and dead-lettered',
});
const batchDuration = meter.createHistogram('meshtrail.kafka.consumer.batch.duration', {
  unit: 's',
  description: 'Time from receiving a batch to committing it, isolation of failing records included',
  advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
});

/**
 * How long the broker holds a fetch that found nothing, and kafkajs sleeps while every partition is
 * paused: stop() and a resume wait for either, so kafkajs' default made every stop and retry slow
 * (README: "How long an idle fetch waits"). The Java client's default.
 */
const FETCH_MAX_WAIT_MS = 500;
const DEFAULT_RETRY: BackoffPolicy = { initialMs: 200, maxMs: 10_000 };
const DEFAULT_SYSTEMIC_AFTER = 3;
/**
 * With neither a probe nor a record that worked (a fresh start on bad records), the consumer cannot
 * tell; after this many systemic retries at the same offset, and systemicWithoutEvidenceMs since the
 * first, it takes the records for the bad ones, so that no record stops a partition for ever.
 */
const SYSTEMIC_RETRIES_WITHOUT_EVIDENCE = 5;
/** Long enough for readiness to show a broken deployment as systemic before anything is dead-lettered. */
const DEFAULT_SYSTEMIC_WITHOUT_EVIDENCE_MS = 30_000;

/**
 * kafkajs batch consumption with the guarantees meshtrail relies on:
 * - records of a partition are handled in order, and offsets are committed only after the
 *   handler resolved (after the database commit);
 * - a failure of the infrastructure pauses that partition alone and retries it with backoff,
 *   while the other partitions go on; nothing is skipped and nothing is dead-lettered;
 * - a failure that belongs to a record is isolated by splitting the batch, and that record alone
 *   is dead-lettered with the error: one record never stops a partition;
 * - a failure every record shares pauses and reports DOWN rather than dead-lettering the stream.
 * On stop, the batch in flight finishes (or is abandoned uncommitted) before the consumer leaves
 * the group.
 */
export class BatchConsumer {
  private readonly logger: AppLogger;
  private readonly registry: ConsumerRegistry;
  private consumer?: Consumer;
  private status?: ConsumerStatus;
  private stopping = false;
  /** Isolated failures since the last record that succeeded, on any partition. */
  private failuresWithoutSuccess = 0;
  private readonly attempts = new Map<string, number>();
  /** Systemic verdicts given without evidence, by partition, at the offset they were given for. */
  private readonly unprovenVerdicts = new Map<string, { offset: string; count: number; since: number }>();
  /** The last record handled successfully: handled again (idempotently) to tell a bad run of records from a broken deployment. */
  private lastGood?: ConsumedRecord;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: BatchConsumerOptions) {
    this.logger = new AppLogger(`${options.name}Consumer`);
    this.registry = options.registry ?? consumerRegistry;
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    this.stopping = false;
    this.consumer = kafka.consumer({
      groupId,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1_048_576,
      maxBytes: this.options.maxBytes ?? 10_485_760,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      // heartbeats continue during long handling (we call heartbeat()), so a modest timeout suffices
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      retry: { retries: 10 },
    });
    const fromBeginning = this.options.fromBeginning ?? true;
    const status = this.registry.register(this.options.name, groupId, topics, Date.now(), !fromBeginning);
    this.status = status;
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer after a retriable crash; health shows the last one meanwhile
      status.crash = { message: payload.error.message, at: Date.now() };
      if (!payload.restart) status.state = 'crashed';
      this.logger.error('Consumer Crashed', { groupId, restart: payload.restart, error: payload.error.message });
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = Object.entries(payload.memberAssignment).flatMap(([topic, numbers]) =>
        numbers.map((partition) => partitionKey(topic, partition)),
      );
      this.registry.assigned(status, partitions);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.logger.info('Consumer Started', { groupId, topics });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const started = process.hrtime.bigint();
    const records = batch.messages.map((message) => toConsumedRecord(batch.topic, batch.partition, message));
    await traceConsumedBatch(batch.topic, batch.partition, records, () => this.handleBatch(payload, records, started));
  }

  private async handleBatch(payload: EachBatchPayload, records: ConsumedRecord[], started: bigint): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    const context: BatchContext = { topic: batch.topic, partition: batch.partition, heartbeat };
    const systemicAfter = this.options.systemicAfter ?? DEFAULT_SYSTEMIC_AFTER;

    const handle = async (slice: ConsumedRecord[]) => {
      await this.options.handle(slice, context);
      this.lastGood = slice[slice.length - 1];
    };
    let membershipLost = false;
    const result = await isolateFailures(records, handle, {
      // a long isolation keeps the membership; a heartbeat refused (a rebalance) ends the batch
      beforeAttempt: () =>
        heartbeat().catch(() => {
          membershipLost = true;
        }),
      // a rebalance or a stop: leave the batch uncommitted; it is delivered again
      abandoned: () => membershipLost || !isRunning() || isStale() || this.stopping,
      systemicAfter: Math.max(1, systemicAfter - this.failuresWithoutSuccess),
      confirmSystemic: () => this.confirmSystemic(context, records[0]),
    });
    if (result.abandoned) return;
    if (result.succeeded > 0 || result.confirmedRecordCaused) this.failuresWithoutSuccess = 0;

    // what can be committed: every record before the first one still unsettled
    const firstFailed = result.failed[0]?.index ?? records.length;
    if (result.halt) {
      if (result.halt.kind === 'systemic' && result.failed.length > 0) {
        this.failuresWithoutSuccess += result.failed.length;
      }
      const at = Math.min(result.halt.index, firstFailed);
      await this.commitThrough(payload, records, at);
      this.pauseAndRetry(payload, records[at], result.halt.kind, result.halt.error);
      return;
    }

    if (result.failed.length > 0) {
      if (result.succeeded === 0 && !result.confirmedRecordCaused) {
        this.failuresWithoutSuccess += result.failed.length;
      }
      try {
        await this.deadLetterIsolated(result.failed.map(({ record, error }) => ({ record, error })));
      } catch (error) {
        // the dead letters are not safe: nothing from the first of them on may be committed
        await this.commitThrough(payload, records, firstFailed);
        this.pauseAndRetry(payload, records[firstFailed], classifyFailure(error), error);
        return;
      }
    }

    await this.commitThrough(payload, records, records.length);
    const attributes = { topic: batch.topic, group: this.options.groupId };
    consumedRecords.add(records.length, attributes);
    batchDuration.record(Number(process.hrtime.bigint() - started) / 1e9, attributes);
    consumedBytes.add(
      records.reduce((sum, record) => sum + record.size, 0),
      attributes,
    );
    await heartbeat();
  }

  /**
   * Whether a run of isolated failures is systemic (true: pause) or the records' own (false). The
   * handler's probe decides when there is one; otherwise the record that last worked is handled
   * once more: if it fails too, the deployment is broken. With neither, the verdict is systemic
   * until SYSTEMIC_RETRIES_WITHOUT_EVIDENCE retries and systemicWithoutEvidenceMs at the same offset
   * have passed.
   */
  private async confirmSystemic(context: BatchContext, first: ConsumedRecord): Promise<boolean> {
    const canary = this.lastGood;
    if (this.options.probe || canary) {
      try {
        if (this.options.probe) await this.options.probe();
        else await this.options.handle([canary!], { ...context, topic: canary!.topic, partition: canary!.partition });
      } catch {
        return true;
      }
      this.recordCaused();
      return false;
    }
    const key = partitionKey(first.topic, first.partition);
    const previous = this.unprovenVerdicts.get(key);
    const same = previous?.offset === first.offset;
    const count = same ? previous.count + 1 : 1;
    const since = same ? previous.since : Date.now();
    this.unprovenVerdicts.set(key, { offset: first.offset, count, since });
    const window = this.options.systemicWithoutEvidenceMs ?? DEFAULT_SYSTEMIC_WITHOUT_EVIDENCE_MS;
    if (count <= SYSTEMIC_RETRIES_WITHOUT_EVIDENCE || Date.now() - since < window) return true;
    this.logger.warn('Systemic Verdict Dropped', {
      topic: first.topic,
      partition: first.partition,
      offset: first.offset,
      reason: `nothing shows the deployment works, but ${count - 1} retries in ${Math.round((Date.now() - since) / 1000)} s changed nothing: the records are taken for the bad ones`,
    });
    this.unprovenVerdicts.delete(key);
    this.recordCaused();
    return false;
  }

  /** Something works: the failures seen are the records' own. */
  private recordCaused(): void {
    this.failuresWithoutSuccess = 0;
    if (this.status) this.status.systemic = undefined;
  }

  private async deadLetterIsolated(failures: Array<{ record: ConsumedRecord; error: unknown }>): Promise<void> {
    const letters: DeadLetter[] = failures.map(({ record, error }) => ({
      record,
      reason: RECORD_FAILED,
      message: describeFailure(error, { detail: true }),
    }));
    for (const { record, error } of failures) {
      this.logger.warn('Record Isolated', {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        error: describeFailure(error),
      });
    }
    if (this.options.deadLetter) {
      await this.options.deadLetter(letters);
    } else {
      for (const { record } of letters) {
        this.logger.error('Record Skipped', {
          reason: 'no dead-letter destination for this consumer',
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
        });
      }
    }
    for (const { record } of failures) {
      isolatedRecords.add(1, { topic: record.topic, group: this.options.groupId });
    }
  }

  /** Resolves and commits the records before `end` (an index into the batch); none when end is 0. */
  private async commitThrough(payload: EachBatchPayload, records: ConsumedRecord[], end: number): Promise<void> {
    if (end <= 0) return;
    const { batch, resolveOffset, commitOffsetsIfNecessary, uncommittedOffsets } = payload;
    // the batch's last offset, not the record's, when the whole batch is done (control records)
    resolveOffset(end === records.length ? batch.lastOffset() : records[end - 1].offset);
    await commitOffsetsIfNecessary(uncommittedOffsets());
    const next = (BigInt(records[end - 1].offset) + 1n).toString();
    this.attempts.delete(partitionKey(batch.topic, batch.partition));
    this.unprovenVerdicts.delete(partitionKey(batch.topic, batch.partition));
    if (this.status) {
      this.registry.committed(this.status, batch.topic, batch.partition, next);
      // the consumer moves: whatever was systemic is over
      this.status.systemic = undefined;
    }
  }

  /**
   * Pauses this partition alone and resumes it after a backoff: the fetch starts again at the
   * first record not committed, while the other partitions go on.
   */
  private pauseAndRetry(payload: EachBatchPayload, at: ConsumedRecord, kind: FailureKind, error: unknown): void {
    const { batch } = payload;
    if (this.stopping) return;
    const key = partitionKey(batch.topic, batch.partition);
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const delay = backoffDelay(attempt, this.options.retry ?? DEFAULT_RETRY);
    const message = describeFailure(error);
    failedBatches.add(1, { topic: batch.topic, group: this.options.groupId, kind });
    if (this.status) {
      const where = { topic: batch.topic, partition: batch.partition, offset: at.offset };
      this.registry.failed(this.status, where, { kind, message }, Date.now() + delay);
      if (kind === 'systemic') this.status.systemic ??= { ...where, message, since: Date.now() };
    }
    this.logger.warn('Batch Failed', {
      topic: batch.topic,
      partition: batch.partition,
      offset: at.offset,
      kind,
      attempt,
      retryInMs: delay,
      error: message,
    });
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      resume();
    }, delay);
    // a pending retry never keeps the process alive
    timer.unref();
    this.resumeTimers.add(timer);
  }

  /** Stops fetching, lets the batch in flight finish or be abandoned, commits, leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.disconnect();
    if (this.status) {
      this.status.state = 'stopped';
      this.registry.unregister(this.options.groupId);
    }
    this.logger.info('Consumer Stopped', { groupId: this.options.groupId });
  }
}
