import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { AuditEventPublisher, type AuditEventInput } from '@meshtrail/contracts';
import { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions } from '@meshtrail/kafka';

/**
 * The retention service's voice on audit.events.v1: the contract's publisher (validated,
 * idempotent, acknowledged), connected on first use so a broker outage at start stops nothing.
 */
@Injectable()
export class RetentionAuditPublisher implements OnApplicationShutdown {
  private readonly publisher: AuditEventPublisher;
  private connected?: Promise<void>;

  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka, @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions) {
    this.publisher = new AuditEventPublisher({
      kafka,
      source: 'meshtrail/retention',
      topicPrefix: options.topicPrefix,
    });
  }

  async publish(events: AuditEventInput[]): Promise<void> {
    this.connected ??= this.publisher.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    await this.publisher.publish(events);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connected) await this.connected.then(() => this.publisher.disconnect()).catch(() => undefined);
  }
}
