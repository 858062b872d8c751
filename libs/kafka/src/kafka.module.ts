import { type DynamicModule, Module } from '@nestjs/common';
import { createKafkaClient } from './kafka-client.factory';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';
import { KafkaProducer } from './producer';
import { TopicNames } from './topic-names';

@Module({})
export class KafkaModule {
  static register(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_OPTIONS, useValue: options },
        { provide: KAFKA_CLIENT, useFactory: () => createKafkaClient(options.connection, options.clientId) },
        KafkaHealthIndicator,
        TopicNames,
        KafkaProducer,
      ],
      exports: [KAFKA_OPTIONS, KAFKA_CLIENT, KafkaHealthIndicator, TopicNames, KafkaProducer],
    };
  }
}
