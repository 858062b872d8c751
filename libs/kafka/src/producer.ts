import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { CompressionTypes, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { KAFKA_CLIENT } from './kafka.options';

const meter = metrics.getMeter('meshtrail');
const producedRecords = meter.createCounter('meshtrail.kafka.producer.records', {
  description: 'Records the broker acknowledged, by topic',
});
const failedSends = meter.createCounter('meshtrail.kafka.producer.failures', {
  description: 'Sends that failed after the client exhausted its retries, by topic',
});

/**
 * The service's shared producer: idempotent (no duplicates from its own retries), acks from all
 * in-sync replicas, connected on first use. Every send is awaited by its caller: a broker failure
 * is a rejected promise, never a silent drop.
 */
@Injectable()
export class KafkaProducer implements OnApplicationShutdown {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: Kafka) {}

  private ready(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 5,
        allowAutoTopicCreation: false,
        // bounded (about 30 s): a caller must hear about an outage rather than wait forever
        retry: { retries: 10 },
      });
      try {
        await producer.connect();
      } catch (error) {
        this.connecting = undefined;
        throw error;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  async send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    try {
      const producer = await this.ready();
      const metadata = await producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
      producedRecords.add(messages.length, { topic });
      return metadata;
    } catch (error) {
      failedSends.add(1, { topic });
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
