import { Inject, Injectable } from '@nestjs/common';
import { AuditEventPublisher, type AuditEventInput } from '@meshtrail/contracts';
import { KAFKA_OPTIONS, KafkaProducer, type KafkaModuleOptions } from '@meshtrail/kafka';

/** The retention service's voice on audit.events.v1: the contract's publisher (validated, acknowledged) on the process's producer. */
@Injectable()
export class RetentionAuditPublisher {
  private readonly publisher: AuditEventPublisher;

  constructor(producer: KafkaProducer, @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions) {
    this.publisher = new AuditEventPublisher({
      sink: producer,
      source: 'meshtrail/retention',
      topicPrefix: options.topicPrefix,
    });
  }

  async publish(events: AuditEventInput[]): Promise<void> {
    await this.publisher.publish(events);
  }
}
