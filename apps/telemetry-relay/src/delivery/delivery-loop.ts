import { metrics } from '@opentelemetry/api';
import { backoffDelay, type BackoffPolicy } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { decodeMetricsRequest, type ExportMetricsServiceRequest } from '@meshtrail/otlp';
import { CorruptSegmentError, type DiskQueue, type Segment } from '../queue/disk-queue';
import type { Transmission } from '../transmission/transmission-log';
import { selectBatch } from './batch-selection';
import type { CenterAnswer } from './center-answer';
import type { MetricsSender } from './metrics-sender';

const meter = metrics.getMeter('meshtrail');
const sentPoints = meter.createCounter('meshtrail.telemetry.relay.sent', {
  description: 'Data points the operations center accepted, by category',
});
const failedRequests = meter.createCounter('meshtrail.telemetry.relay.failures', {
  description: 'Outbound requests that failed (retried) or were refused (dropped), by result',
});

export interface DeliveryOptions {
  batchMaxBytes: number;
  retry: BackoffPolicy;
  /** Injected so tests control time; resolves early when the loop stops. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Told what the center answered to each delivered batch that carried an answer. */
  onAnswer?: (category: string, answer: CenterAnswer, statusCode: number | undefined) => void;
}

/** Resolves after ms, or at once when the signal aborts (or has). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * Drains the disk queue to the operations center, oldest first: merges a batch of segments of
 * one category into one request, sends it, logs the transmission, and removes the segments once
 * delivered (or refused for good: a 4xx cannot be fixed by retrying). Failures back off
 * exponentially up to the configured maximum; nothing is removed until it was delivered.
 */
export class DeliveryLoop {
  private readonly logger = new AppLogger('Delivery');
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  private wake?: () => void;
  private failures = 0;

  constructor(
    private readonly queue: DiskQueue,
    private readonly sender: MetricsSender,
    private readonly log: (entry: Transmission) => Promise<void>,
    private readonly options: DeliveryOptions,
  ) {}

  start(): void {
    this.queue.onAppend(() => this.wake?.());
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.running;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? abortableSleep)(ms, this.abort.signal);
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const batch = selectBatch(this.queue.list(), this.options.batchMaxBytes);
      if (batch.length === 0) {
        await this.idle();
        continue;
      }
      try {
        await this.deliver(batch);
      } catch (error) {
        this.logger.error('Delivery Error', { error: error as Error });
        await this.sleep(this.options.retry.maxMs);
      }
    }
  }

  /** Waits for the next append, a stop, or (as a safety net) a few seconds. */
  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const signal = this.abort.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, 5000);
      signal.addEventListener('abort', done);
      this.wake = done;
      if (signal.aborted) done();
    });
  }

  private async deliver(batch: Segment[]): Promise<void> {
    const category = batch[0].category;
    const requests: ExportMetricsServiceRequest[] = [];
    const readable: Segment[] = [];
    for (const segment of batch) {
      try {
        requests.push(decodeMetricsRequest(await this.queue.read(segment)));
        readable.push(segment);
      } catch (error) {
        if (!(error instanceof CorruptSegmentError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // dropped by the size bound meanwhile, or damaged on disk: nothing can be sent from it
        await this.queue.remove([segment]);
        await this.log({
          at: new Date(this.now()),
          category,
          destination: this.sender.destination,
          items: segment.items,
          bytes: segment.bytes,
          result: 'dropped',
          error: (error as Error).message,
          durationMs: 0,
        });
      }
    }
    if (readable.length === 0) return;
    const merged: ExportMetricsServiceRequest = { resourceMetrics: requests.flatMap((r) => r.resourceMetrics) };
    const items = readable.reduce((sum, s) => sum + s.items, 0);
    const started = this.now();
    const outcome = await this.sender.send(merged);
    const durationMs = this.now() - started;
    const result = outcome.result === 'retry' ? 'failed' : outcome.result;
    await this.log({
      at: new Date(started),
      category,
      destination: this.sender.destination,
      items,
      bytes: outcome.bytes,
      result,
      statusCode: outcome.statusCode,
      error: outcome.error,
      durationMs,
    });
    if (outcome.result === 'retry') {
      this.failures++;
      failedRequests.add(1, { result: 'failed' });
      const delay = backoffDelay(this.failures, this.options.retry);
      if (this.failures === 1 || this.failures % 10 === 0)
        this.logger.warn('Delivery Failed', {
          category,
          items,
          attempt: this.failures,
          retryInMs: delay,
          statusCode: outcome.statusCode,
          error: outcome.error,
          queuedSegments: this.queue.size.segments,
          queuedBytes: this.queue.size.bytes,
        });
      await this.sleep(delay);
      return;
    }
    if (this.failures > 0) this.logger.info('Delivery Resumed', { afterAttempts: this.failures });
    this.failures = 0;
    if (outcome.result === 'rejected') {
      failedRequests.add(1, { result: 'rejected' });
      this.logger.warn('Delivery Rejected', { category, items, statusCode: outcome.statusCode, error: outcome.error });
    } else {
      if (outcome.answer) this.options.onAnswer?.(category, outcome.answer, outcome.statusCode);
      sentPoints.add(items, { category });
      this.logger.info('Telemetry Sent', {
        category,
        items,
        bytes: outcome.bytes,
        segments: readable.length,
        statusCode: outcome.statusCode,
        durationMs,
      });
    }
    await this.queue.remove(readable);
  }
}
