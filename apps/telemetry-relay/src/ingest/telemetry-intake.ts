import { metrics } from '@opentelemetry/api';
import type { ConsumedRecord, DeadLetter } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import {
  decodeMetricsRequest,
  encodeMetricsRequest,
  requestDataPointCount,
  type ExportMetricsServiceRequest,
} from '@meshtrail/otlp';
import type { Category } from '../policy/categories';
import { applyPolicy, type RelayPolicy } from '../policy/relay-policy';
import type { DiskQueue, QueuedItem } from '../queue/disk-queue';
import type { Transmission } from '../transmission/transmission-log';

const meter = metrics.getMeter('meshtrail');
const filtered = meter.createCounter('meshtrail.telemetry.relay.filtered', {
  description: 'Data points the policy kept home, by reason (opted_out, unmapped)',
});
const labelsRemoved = meter.createCounter('meshtrail.telemetry.relay.labels_removed', {
  description: 'Labels the scrubber removed, by reason (unknown, denied, suspicious_value)',
});
const queueDropped = meter.createCounter('meshtrail.telemetry.relay.queue.dropped', {
  description: 'Data points dropped unsent because the disk queue was full, by category',
});
const rejectedRecords = meter.createCounter('meshtrail.telemetry.relay.rejected_records', {
  description: 'Records on telemetry.otlp.v1 that were not OTLP metrics',
});

/** The dead-letter reason of a telemetry.otlp.v1 record that is not OTLP metrics. */
export const TELEMETRY_NOT_OTLP = 'TELEMETRY.NOT_OTLP';

/**
 * Everything that leaves passes here: OTLP from the services' records and the relay's own health
 * and heartbeat metrics. The policy decides and scrubs, and the result is on disk before this
 * resolves (so the Kafka offsets can be committed and an outage never holds the consumer back).
 */
export class TelemetryIntake {
  private readonly logger = new AppLogger('TelemetryIntake');

  constructor(
    private readonly policy: RelayPolicy,
    private readonly queue: DiskQueue,
    private readonly log: (entry: Transmission) => Promise<void>,
    private readonly destination: string,
    /** Where records that are not OTLP go: kept whole, never relayed. */
    private readonly deadLetter: (letters: DeadLetter[]) => Promise<void>,
  ) {
    meter
      .createObservableGauge('meshtrail.telemetry.relay.queue.bytes', { unit: 'By', description: 'Disk queue size' })
      .addCallback((result) => result.observe(this.queue.size.bytes));
  }

  /** Records from telemetry.otlp.v1: malformed ones are dead-lettered with why, the rest queued. */
  async acceptRecords(records: ConsumedRecord[]): Promise<void> {
    const requests: ExportMetricsServiceRequest[] = [];
    const refused: DeadLetter[] = [];
    for (const record of records) {
      try {
        if (!record.value || record.value.length === 0) throw new Error('empty record');
        requests.push(decodeMetricsRequest(record.value));
      } catch (error) {
        rejectedRecords.add(1);
        refused.push({
          record,
          reason: TELEMETRY_NOT_OTLP,
          message: `not an OTLP ExportMetricsServiceRequest: ${(error as Error).message}`,
        });
        this.logger.warn('Telemetry Record Rejected', {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          reason: `not an OTLP ExportMetricsServiceRequest: ${(error as Error).message}`,
        });
      }
    }
    await this.accept(requests);
    await this.deadLetter(refused);
  }

  /** Applies the policy to the requests, merges the result per category, and queues it durably. */
  async accept(requests: ExportMetricsServiceRequest[]): Promise<void> {
    const merged = new Map<Category, ExportMetricsServiceRequest>();
    for (const request of requests) {
      const { byCategory, stats } = applyPolicy(request, this.policy);
      if (stats.optedOut) filtered.add(stats.optedOut, { reason: 'opted_out' });
      if (stats.unmapped) filtered.add(stats.unmapped, { reason: 'unmapped' });
      for (const [reason, count] of Object.entries(stats.labelsRemoved)) labelsRemoved.add(count, { reason });
      for (const [category, part] of byCategory) {
        const target = merged.get(category) ?? { resourceMetrics: [] };
        target.resourceMetrics.push(...part.resourceMetrics);
        merged.set(category, target);
      }
    }
    const items: QueuedItem[] = [...merged].map(([category, request]) => ({
      category,
      items: requestDataPointCount(request),
      payload: encodeMetricsRequest(request),
    }));
    if (items.length === 0) return;
    const dropped = await this.queue.append(items);
    if (dropped.segments.length === 0) return;
    this.logger.warn('Telemetry Queue Full', {
      droppedSegments: dropped.segments.length,
      droppedItems: dropped.items,
      droppedBytes: dropped.bytes,
      maxBytes: this.queue.maxBytes,
    });
    for (const segment of dropped.segments) {
      queueDropped.add(segment.items, { category: segment.category });
      await this.log({
        at: new Date(),
        category: segment.category,
        destination: this.destination,
        items: segment.items,
        bytes: segment.bytes,
        result: 'dropped',
        error: 'disk queue full: oldest data dropped',
        durationMs: 0,
      });
    }
  }
}
