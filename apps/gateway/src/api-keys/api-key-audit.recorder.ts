import { Inject, Injectable } from '@nestjs/common';
import { AuditEventPublisher, type AuditEventInput } from '@meshtrail/contracts';
import { KAFKA_OPTIONS, KafkaProducer, type KafkaModuleOptions } from '@meshtrail/kafka';

/** The CloudEvents source of the gateway's API key events. */
export const API_KEY_EVENT_SOURCE = 'meshtrail/gateway';

/**
 * Publishes ApiKeyCreated / ApiKeyRevoked to the trail (global: admins only), through the audit
 * contract's publisher: resolves once the broker acknowledged the event, rejects otherwise.
 */
@Injectable()
export class ApiKeyAuditRecorder {
  private readonly publisher: AuditEventPublisher;

  constructor(producer: KafkaProducer, @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions) {
    this.publisher = new AuditEventPublisher({
      sink: producer,
      source: API_KEY_EVENT_SOURCE,
      topicPrefix: options.topicPrefix,
    });
  }

  async record(event: AuditEventInput): Promise<void> {
    await this.publisher.publish(event);
  }
}
