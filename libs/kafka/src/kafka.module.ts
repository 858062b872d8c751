import { type DynamicModule, Module } from '@nestjs/common';
import { ConsumerHealthIndicator } from './consumer-health.indicator';
import { ConsumerLagMonitor } from './consumer-lag.monitor';
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
        ConsumerHealthIndicator,
        ConsumerLagMonitor,
        TopicNames,
        KafkaProducer,
      ],
      exports: [
        KAFKA_OPTIONS,
        KAFKA_CLIENT,
        KafkaHealthIndicator,
        ConsumerHealthIndicator,
        ConsumerLagMonitor,
        TopicNames,
        KafkaProducer,
      ],
    };
  }
}
