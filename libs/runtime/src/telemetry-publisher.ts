import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { TOPICS } from '@meshtrail/contracts';
import { KafkaProducer, TopicNames } from '@meshtrail/kafka';
import { currentTelemetry } from '@meshtrail/observability';

export const TELEMETRY_PUBLISHER_OPTIONS = Symbol('TELEMETRY_PUBLISHER_OPTIONS');

export interface TelemetryPublisherOptions {
  service: string;
  intervalMs: number;
}

/**
 * Connects the service's OpenTelemetry SDK to telemetry.otlp.v1: every interval the SDK's metrics
 * go out as one OTLP protobuf record, keyed by service. The last push happens before the
 * producer closes on shutdown.
 */
@Injectable()
export class TelemetryPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(TELEMETRY_PUBLISHER_OPTIONS) private readonly options: TelemetryPublisherOptions,
    private readonly producer: KafkaProducer,
    private readonly topics: TopicNames,
  ) {}

  onApplicationBootstrap(): void {
    const topic = this.topics.topic(TOPICS.telemetryOtlp);
    currentTelemetry()?.otlp.attach(async (payload) => {
      await this.producer.send(topic, [{ key: this.options.service, value: Buffer.from(payload) }]);
    }, this.options.intervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await currentTelemetry()?.otlp.detach();
  }
}
