export { createKafkaClient, type KafkaConnectionConfig } from './kafka-client.factory';
export { KafkaHealthIndicator } from './kafka-health.indicator';
export { KafkaModule } from './kafka.module';
export { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';
export { TopicNames } from './topic-names';
export { planTopics, type TopicPlanSettings } from './topic-plan';
export { provisionTopics, deleteTopics, type TopicSpec, type ProvisioningReport } from './topic-provisioning';
