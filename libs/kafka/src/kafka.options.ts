import type { KafkaConnectionConfig } from './kafka-client.factory';

export interface KafkaModuleOptions {
  connection: KafkaConnectionConfig;
  /** Identifies this service to the brokers (client.id, and the base of consumer group ids). */
  clientId: string;
  /** Prepended to topic and group names (KAFKA_TOPIC_PREFIX). */
  topicPrefix: string;
  /** How consumers are watched: when a partition counts as stalled, how often lag is measured. */
  consumers?: ConsumerWatchOptions;
}

export interface ConsumerWatchOptions {
  stallMs: number;
  lagIntervalMs: number;
}

/** KAFKA_CONSUMER_STALL_SECONDS and KAFKA_CONSUMER_LAG_INTERVAL_MS's defaults. */
export const DEFAULT_CONSUMER_WATCH: ConsumerWatchOptions = { stallMs: 60_000, lagIntervalMs: 10_000 };

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
