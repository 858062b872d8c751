import { Inject, Injectable } from '@nestjs/common';
import type { ComponentHealth, HealthIndicator } from '@meshtrail/observability';
import { consumerProblems } from './consumer-problems';
import { consumerRegistry, stalledPartitions } from './consumer-registry';
import { DEFAULT_CONSUMER_WATCH, KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';

/**
 * The `consumers` health component: DOWN while any consumer of this process cannot do its job,
 * naming what and why: a failure every record shares (systemic), a consumer that crashed for
 * good, or a partition with work waiting that has not advanced for KAFKA_CONSUMER_STALL_SECONDS
 * (with its topic, partition, committed offset, lag and last error). Reads what the consumers
 * and the lag monitor recorded: a probe never waits for the broker. Its `problems` say the same in
 * bounded words, for the operations center.
 */
@Injectable()
export class ConsumerHealthIndicator implements HealthIndicator {
  readonly name = 'consumers';

  private readonly stallMs: number;

  constructor(@Inject(KAFKA_OPTIONS) options: KafkaModuleOptions) {
    this.stallMs = (options.consumers ?? DEFAULT_CONSUMER_WATCH).stallMs;
  }

  check(): Promise<ComponentHealth> {
    const now = Date.now();
    const consumers = consumerRegistry.all();
    const stalled = consumers.flatMap((status) => stalledPartitions(status, now, this.stallMs));
    const systemic = consumers
      .filter((status) => status.systemic)
      .map((status) => ({ group: status.groupId, consumer: status.name, ...status.systemic }));
    const crashed = consumers
      .filter((status) => status.state === 'crashed')
      .map((status) => ({ group: status.groupId, consumer: status.name, error: status.crash?.message }));
    const down = stalled.length > 0 || systemic.length > 0 || crashed.length > 0;
    const details: Record<string, unknown> = {
      consumers: consumers.map((status) => ({
        group: status.groupId,
        topics: status.topics,
        state: status.state,
        partitions: status.partitions.size,
        lag: [...status.partitions.values()].reduce((sum, progress) => sum + (progress.lag ?? 0), 0),
      })),
      stallSeconds: Math.round(this.stallMs / 1000),
    };
    if (stalled.length > 0) details.stalled = stalled;
    if (systemic.length > 0) details.systemic = systemic;
    if (crashed.length > 0) details.crashed = crashed;
    if (down) details.problems = consumerProblems({ stalled, systemic, crashed }, now);
    return Promise.resolve({ status: down ? 'DOWN' : 'UP', details });
  }
}
