import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { AppLogger } from '@meshtrail/observability';
import { KafkaAdmin, type PartitionWatermarks } from './kafka-admin';
import {
  DEFAULT_CONSUMER_WATCH,
  KAFKA_OPTIONS,
  type ConsumerWatchOptions,
  type KafkaModuleOptions,
} from './kafka.options';
import { consumerRegistry, stalledPartitions, type ConsumerStatus } from './consumer-registry';

const meter = metrics.getMeter('meshtrail');
const lagGauge = meter.createObservableGauge('meshtrail.kafka.consumer.lag', {
  description: 'Records between the committed offset and the high watermark, measured from the broker',
});
const sinceAdvanceGauge = meter.createObservableGauge('meshtrail.kafka.consumer.since_advance', {
  unit: 's',
  description: 'Time since the partition last advanced (or was last seen caught up)',
});
const stalledGauge = meter.createObservableGauge('meshtrail.kafka.consumer.stalled', {
  description: '1 while a partition has work waiting but has not advanced for KAFKA_CONSUMER_STALL_SECONDS',
});
const systemicGauge = meter.createObservableGauge('meshtrail.kafka.consumer.systemic', {
  description: '1 while a consumer pauses because every record fails alike (a broken deployment)',
});

/**
 * Measures every consumer's real lag from the broker (high watermark minus committed offset) at a
 * fixed interval, so a consumer that has stopped fetching still shows its growing lag; and
 * publishes lag, time since the last advance and the stalled flag per partition.
 */
@Injectable()
export class ConsumerLagMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new AppLogger('ConsumerLag');
  private timer?: NodeJS.Timeout;
  private measuring?: Promise<void>;
  private readonly watch: ConsumerWatchOptions;

  constructor(
    @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions,
    private readonly admin: KafkaAdmin,
  ) {
    this.watch = options.consumers ?? DEFAULT_CONSUMER_WATCH;
    const stallMs = this.watch.stallMs;
    const observe = (
      result: { observe(value: number, attributes: Record<string, string | number>): void },
      value: (status: ConsumerStatus, topic: string, partition: number) => number | undefined,
    ) => {
      for (const status of consumerRegistry.all()) {
        for (const progress of status.partitions.values()) {
          const measured = value(status, progress.topic, progress.partition);
          const attributes = { group: status.groupId, topic: progress.topic, partition: progress.partition };
          if (measured !== undefined) result.observe(measured, attributes);
        }
      }
    };
    lagGauge.addCallback((result) =>
      observe(result, (status, topic, partition) => progressOf(status, topic, partition)?.lag),
    );
    sinceAdvanceGauge.addCallback((result) =>
      observe(result, (status, topic, partition) => {
        const progress = progressOf(status, topic, partition);
        return progress ? Math.max(0, (Date.now() - progress.lastAdvancedAt) / 1000) : undefined;
      }),
    );
    systemicGauge.addCallback((result) => {
      for (const status of consumerRegistry.all()) result.observe(status.systemic ? 1 : 0, { group: status.groupId });
    });
    stalledGauge.addCallback((result) => {
      const now = Date.now();
      for (const status of consumerRegistry.all()) {
        const stalled = new Set(stalledPartitions(status, now, stallMs).map((s) => `${s.topic}/${s.partition}`));
        for (const progress of status.partitions.values()) {
          const name = `${progress.topic}/${progress.partition}`;
          result.observe(stalled.has(name) ? 1 : 0, {
            group: status.groupId,
            topic: progress.topic,
            partition: progress.partition,
          });
        }
      }
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.measureOnce(), this.watch.lagIntervalMs);
    this.timer.unref();
  }

  /** One measurement of every registered consumer; never two at once, never throws. */
  measureOnce(): Promise<void> {
    this.measuring ??= this.measure().finally(() => {
      this.measuring = undefined;
    });
    return this.measuring;
  }

  private async measure(): Promise<void> {
    const consumers = consumerRegistry.all().filter((status) => status.state !== 'stopped');
    if (consumers.length === 0) return;
    try {
      const watermarks = new Map<string, PartitionWatermarks[]>();
      for (const topic of new Set(consumers.flatMap((status) => status.topics))) {
        watermarks.set(topic, await this.admin.watermarks(topic));
      }
      const now = Date.now();
      for (const status of consumers) {
        const committed = await this.admin.groupOffsets(status.groupId, status.topics);
        for (const { topic, partitions } of committed) {
          for (const { partition, offset } of partitions) {
            const marks = watermarks.get(topic)?.find((mark) => mark.partition === partition);
            if (!marks) continue;
            consumerRegistry.observe(
              status,
              { topic, partition, committed: offset, low: marks.low, high: marks.high },
              now,
            );
          }
        }
      }
    } catch (error) {
      // the broker being away shows in the kafka component; the last measurement stays
      this.logger.debug('Consumer Lag Not Measured', { error: (error as Error).message });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.measuring?.catch(() => undefined);
  }
}

function progressOf(status: ConsumerStatus, topic: string, partition: number) {
  return status.partitions.get(`${topic}/${partition}`);
}
