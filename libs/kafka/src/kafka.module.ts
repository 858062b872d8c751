import { type DynamicModule, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { ConsumerHealthIndicator } from './consumer-health.indicator';
import { ConsumerHost } from './consumer-host';
import { ConsumerLagMonitor } from './consumer-lag.monitor';
import { KafkaAdmin, probeAdmin } from './kafka-admin';
import { createKafkaClient } from './kafka-client.factory';
import { KafkaHealthIndicator } from './kafka-health.indicator';
import { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';
import { KafkaProducer } from './producer';
import { TopicNames } from './topic-names';

/**
 * The process's Kafka port: one client, one producer, one admin, the consumer host. Global, so
 * Nest runs its shutdown hooks after the features': consumers stop first, the producer closes last.
 */
@Module({})
export class KafkaModule {
  static register(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_OPTIONS, useValue: options },
        { provide: KAFKA_CLIENT, useFactory: () => createKafkaClient(options.connection, options.clientId) },
        { provide: KafkaProducer, useFactory: (kafka: Kafka) => new KafkaProducer(kafka), inject: [KAFKA_CLIENT] },
        { provide: KafkaAdmin, useFactory: () => probeAdmin(options.connection, options.clientId) },
        ConsumerHost,
        KafkaHealthIndicator,
        ConsumerHealthIndicator,
        ConsumerLagMonitor,
        TopicNames,
      ],
      exports: [
        KAFKA_OPTIONS,
        KafkaProducer,
        KafkaAdmin,
        ConsumerHost,
        KafkaHealthIndicator,
        ConsumerHealthIndicator,
        ConsumerLagMonitor,
        TopicNames,
      ],
    };
  }
}
