import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { logLevel, type Admin } from 'kafkajs';
import type { ComponentHealth, HealthIndicator } from '@meshtrail/observability';
import { createKafkaClient } from './kafka-client.factory';
import { KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';

/**
 * Asks the cluster for its metadata with a short timeout and no retries. A failed check drops
 * the admin connection, so the next check reconnects once the broker is back.
 */
@Injectable()
export class KafkaHealthIndicator implements HealthIndicator, OnApplicationShutdown {
  readonly name = 'kafka';
  private admin?: Admin;

  constructor(@Inject(KAFKA_OPTIONS) private readonly options: KafkaModuleOptions) {}

  async check(): Promise<ComponentHealth> {
    try {
      if (!this.admin) {
        this.admin = createKafkaClient(this.options.connection, `${this.options.clientId}-health`, {
          connectionTimeout: 1500,
          requestTimeout: 1500,
          retry: { retries: 0 },
          logLevel: logLevel.NOTHING,
        }).admin();
        await this.admin.connect();
      }
      const cluster = await this.admin.describeCluster();
      return {
        status: cluster.brokers.length > 0 ? 'UP' : 'DOWN',
        details: { clusterId: cluster.clusterId, brokers: cluster.brokers.length, controller: cluster.controller },
      };
    } catch (error) {
      await this.reset();
      return { status: 'DOWN', details: { error: (error as Error).message } };
    }
  }

  private async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reset();
  }
}
