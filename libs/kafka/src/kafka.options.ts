import type { KafkaConnectionConfig } from './kafka-client.factory';

export interface KafkaModuleOptions {
  connection: KafkaConnectionConfig;
  /** Identifies this service to the brokers (client.id, and the base of consumer group ids). */
  clientId: string;
  /** Prepended to topic and group names (KAFKA_TOPIC_PREFIX). */
  topicPrefix: string;
}

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
