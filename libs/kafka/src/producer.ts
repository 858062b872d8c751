import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { KAFKA_CLIENT } from './kafka.options';

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
    const producer = await this.ready();
    return producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
