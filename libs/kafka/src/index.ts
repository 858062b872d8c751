export { createKafkaClient, type KafkaConnectionConfig } from './kafka-client.factory';
export { KafkaHealthIndicator } from './kafka-health.indicator';
export { KafkaModule } from './kafka.module';
export { KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';
export { ConsumerHost, type ConsumerHandler } from './consumer-host';
export { KafkaAdmin, type ClusterDescription, type GroupOffsets, type PartitionWatermarks } from './kafka-admin';
export { TopicNames } from './topic-names';
export { type TopicSpec, type ProvisioningReport } from './topic-provisioning';
export { RECORD_FAILED, type BatchContext, type BatchHandler } from './batch-consumer';
export { classifyFailure, describeFailure, TransientError, type FailureKind } from './failure-kind';
export { isolateFailures, type IsolationResult } from './isolate-failures';
export {
  consumerRegistry,
  stalledPartitions,
  ConsumerRegistry,
  type ConsumerStatus,
  type PartitionProgress,
  type StalledPartition,
} from './consumer-registry';
export { ConsumerHealthIndicator } from './consumer-health.indicator';
export { ConsumerLagMonitor } from './consumer-lag.monitor';
export { toConsumedRecord, type ConsumedRecord } from './consumed-record';
export { backoffDelay, type BackoffPolicy } from './backoff';
export { KafkaProducer } from './producer';
export {
  boundHeaders,
  deadLetterMessage,
  safeText,
  sha256Hex,
  truncateUtf8,
  type DeadLetter,
  type StoredDeadLetter,
} from './dead-letter';
/** The message types, so no code outside this lib names kafkajs. */
export type { IHeaders as KafkaHeaders, Message as KafkaMessage } from 'kafkajs';
