import { Injectable } from '@nestjs/common';
import type { ComponentHealth, HealthIndicator } from '@meshtrail/observability';
import { KafkaAdmin } from './kafka-admin';

/**
 * Asks the cluster for its metadata through the process's admin (short timeouts, no retries); a
 * failed check drops the admin connection, so the next check reconnects once the broker is back.
 */
@Injectable()
export class KafkaHealthIndicator implements HealthIndicator {
  readonly name = 'kafka';

  constructor(private readonly admin: KafkaAdmin) {}

  async check(): Promise<ComponentHealth> {
    try {
      const cluster = await this.admin.describeCluster();
      return { status: cluster.brokers > 0 ? 'UP' : 'DOWN', details: { ...cluster } };
    } catch (error) {
      return { status: 'DOWN', details: { error: (error as Error).message } };
    }
  }
}
