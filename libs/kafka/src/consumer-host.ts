import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { BatchConsumer, type BatchConsumerOptions } from './batch-consumer';
import { KAFKA_CLIENT } from './kafka.options';

/** A batch handler and how it consumes: topics, group, dead letters, probe, fetch bounds, retry. */
export type ConsumerHandler = Omit<BatchConsumerOptions, 'kafka' | 'registry'>;

/**
 * Where a service's consumers live. Features register their handlers while the app initialises
 * (onModuleInit, after whatever the handler needs is ready); the host starts them all once the
 * app is bootstrapped and stops them on the first shutdown hook, before anything they write to
 * closes (the producer, the database, a feature's sinks in its later hooks).
 */
@Injectable()
export class ConsumerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumers: BatchConsumer[] = [];
  private started = false;

  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: Kafka) {}

  register(handler: ConsumerHandler): void {
    if (this.started) {
      throw new Error(`consumer ${handler.name} registered after start: register handlers in onModuleInit`);
    }
    this.consumers.push(new BatchConsumer({ ...handler, kafka: this.kafka }));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.started = true;
    for (const consumer of this.consumers) await consumer.start();
  }

  /** Each batch in flight finishes (or is abandoned uncommitted) and each consumer leaves its group. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }
}
