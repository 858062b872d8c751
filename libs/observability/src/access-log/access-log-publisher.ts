import { metrics } from '@opentelemetry/api';
import { AppLogger } from '../logging/app-logger';
import { PublishBuffer } from './publish-buffer';

export interface AccessLogPublisherOptions {
  /** Sends one batch of serialized records (to access-logs.v1); resolves once the broker has it, rejects to be retried. */
  publish: (records: string[]) => Promise<void>;
  /** Records the buffer holds; when full, as many more wait up to dropAfterMs for room. */
  bufferSize: number;
  /** Characters of serialized records the buffer and its overflow hold at most together; past it a record is dropped. */
  maxBytes?: number;
  dropAfterMs: number;
  /** Delay before retry number `attempt` (1, 2, ...) after a failed send. */
  retryDelayMs: (attempt: number) => number;
  /** Most records per send. */
  batchSize?: number;
  /** How long records wait for company before a batch smaller than batchSize is sent. */
  lingerMs?: number;
  now?: () => number;
}

/** Drops and failures are summarised at most this often: an outage must not flood the logs. */
const SUMMARY_INTERVAL_MS = 10_000;

const meter = metrics.getMeter('meshtrail');
const publishedCounter = meter.createCounter('meshtrail.access_log.published', {
  description: 'Access-log records published to access-logs.v1',
});
const droppedCounter = meter.createCounter('meshtrail.access_log.dropped', {
  description: 'Access-log records dropped because the publish buffer stayed full too long',
});
const bufferedGauge = meter.createObservableGauge('meshtrail.access_log.buffered', {
  description: 'Access-log records waiting to be published',
});
const livePublishers = new Set<AccessLogPublisher>();
bufferedGauge.addCallback((result) => {
  for (const publisher of livePublishers) result.observe(publisher.pending);
});

/**
 * Publishes access-log records (each already serialized to its JSON line, so the buffer holds one
 * string per request rather than an object graph) off the request path: offer() only appends to a bounded buffer;
 * a background loop sends batches, keeps a failed batch and retries it with backoff. Records are
 * dropped only when the buffer stays full longer than configured (see PublishBuffer); drops are
 * counted in meshtrail.access_log.dropped and summarised in an "Access Log Dropped" line.
 */
export class AccessLogPublisher {
  private readonly logger = new AppLogger('AccessLogPublisher');
  private readonly buffer: PublishBuffer<string>;
  private readonly now: () => number;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private wake?: () => void;
  private abandoned = false;
  private closing = false;
  private failedAttempts = 0;
  private lastFailureLog = -Infinity;
  private unloggedDrops = 0;
  private totalDrops = 0;
  private lastDropLog = -Infinity;
  private lastDropAt?: number;

  constructor(private readonly options: AccessLogPublisherOptions) {
    // a record's JSON text, one byte a character for the ASCII it mostly is
    this.buffer = new PublishBuffer(
      options.bufferSize,
      options.dropAfterMs,
      options.maxBytes,
      (record) => record.length,
    );
    this.now = options.now ?? Date.now;
    this.batchSize = options.batchSize ?? 1000;
    this.lingerMs = options.lingerMs ?? 100;
    livePublishers.add(this);
  }

  get pending(): number {
    return this.buffer.size;
  }

  /** What the health component shows: how full the buffer is, and what was dropped. */
  state(): {
    buffered: number;
    bufferedBytes: number;
    maxBytes: number | null;
    droppedTotal: number;
    lastDropAt: string | null;
  } {
    return {
      buffered: this.buffer.size,
      bufferedBytes: this.buffer.bytes,
      maxBytes: Number.isFinite(this.buffer.maxBytes) ? this.buffer.maxBytes : null,
      droppedTotal: this.totalDrops,
      lastDropAt: this.lastDropAt === undefined ? null : new Date(this.lastDropAt).toISOString(),
    };
  }

  /** Called once per request: O(1), never throws, never waits. */
  offer(record: string): void {
    if (this.abandoned) return;
    if (!this.buffer.offer(record, this.now())) this.noteDrops();
    this.schedule();
  }

  /**
   * A full batch goes at once; a smaller one waits lingerMs for company. Sending every few records
   * as they come would cost a round trip and its overhead per handful of requests.
   */
  private schedule(): void {
    if (this.draining || this.buffer.size === 0 || this.abandoned) return;
    if (this.buffer.size >= this.batchSize || this.closing) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.startDrain();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.startDrain();
      }, this.lingerMs);
      this.timer.unref();
    }
  }

  private startDrain(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      this.schedule(); // records offered during the last send
    });
  }

  private async drain(): Promise<void> {
    while (this.buffer.size > 0 && !this.abandoned) {
      const batch = this.buffer.peek(this.batchSize);
      try {
        await this.options.publish(batch);
        this.buffer.remove(batch.length);
        publishedCounter.add(batch.length);
        if (this.failedAttempts > 0) {
          this.logger.info('Access Log Publishing Resumed', {
            failedAttempts: this.failedAttempts,
            pending: this.buffer.size,
          });
          this.failedAttempts = 0;
          this.lastFailureLog = -Infinity;
        }
        this.noteDrops();
        if (this.buffer.size < this.batchSize && !this.closing) break; // the rest lingers
      } catch (error) {
        this.failedAttempts++;
        this.noteFailure(error as Error);
        await this.pause(this.options.retryDelayMs(this.failedAttempts));
      }
      this.noteDrops();
    }
    this.logDrops(true);
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.wake = undefined));
  }

  private noteFailure(error: Error): void {
    const now = this.now();
    if (now - this.lastFailureLog < SUMMARY_INTERVAL_MS) return;
    this.lastFailureLog = now;
    this.logger.warn('Access Log Publish Failed', {
      attempt: this.failedAttempts,
      pending: this.buffer.size,
      error: error.message,
    });
  }

  private noteDrops(): void {
    this.buffer.expire(this.now());
    const dropped = this.buffer.takeDropped();
    if (dropped > 0) {
      droppedCounter.add(dropped);
      this.unloggedDrops += dropped;
      this.totalDrops += dropped;
      this.lastDropAt = this.now();
    }
    this.logDrops(false);
  }

  private logDrops(force: boolean): void {
    const now = this.now();
    if (this.unloggedDrops === 0 || (!force && now - this.lastDropLog < SUMMARY_INTERVAL_MS)) return;
    this.logger.warn('Access Log Dropped', {
      dropped: this.unloggedDrops,
      totalDropped: this.totalDrops,
      bufferSize: this.options.bufferSize,
      bufferedBytes: this.buffer.bytes,
      maxBytes: this.options.maxBytes,
      dropAfterMs: this.options.dropAfterMs,
      fullForMs: this.buffer.fullForMs(now),
    });
    this.unloggedDrops = 0;
    this.lastDropLog = now;
  }

  /**
   * Publishes what is still buffered, for at most `timeoutMs` (shutdown); what cannot be sent by
   * then is given up (it is on stdout already) and reported.
   */
  async close(timeoutMs: number): Promise<void> {
    this.closing = true;
    this.schedule();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.draining,
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timeout);
    // a send still in flight ends on its own; the loop stops after it
    this.abandoned = true;
    this.wake?.();
    if (this.buffer.size > 0) {
      this.logger.warn('Access Log Records Abandoned', { count: this.buffer.size, timeoutMs });
    }
    this.logDrops(true);
    livePublishers.delete(this);
  }
}
