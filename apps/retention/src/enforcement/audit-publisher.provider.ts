import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AuditEventPublisher, type AuditEventInput } from '@meshtrail/contracts';
import { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions, type KafkaClient } from '@meshtrail/kafka';
import { OnDemandAuditPublisher } from '@meshtrail/retention';

/** The retention service's voice on audit.events.v1: the contract's publisher (validated, idempotent, acknowledged). */
@Injectable()
export class RetentionAuditPublisher implements OnApplicationShutdown {
  private readonly publisher: OnDemandAuditPublisher;

  constructor(@Inject(KAFKA_CLIENT) kafka: KafkaClient, @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions) {
    this.publisher = new OnDemandAuditPublisher(
      new AuditEventPublisher({ kafka, source: 'meshtrail/retention', topicPrefix: options.topicPrefix }),
    );
  }

  publish(events: AuditEventInput[]): Promise<void> {
    return this.publisher.publish(events);
  }

  onApplicationShutdown(): Promise<void> {
    return this.publisher.close();
  }
}
