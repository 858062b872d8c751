import { createKafkaClient, KafkaAdmin, type ProvisioningReport } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import type { AdminEnv } from './admin.env';

export async function provisionTopicsCommand(env: AdminEnv): Promise<ProvisioningReport> {
  const admin = new KafkaAdmin(createKafkaClient(env, 'meshtrail-admin'));
  try {
    return await admin.provision(
      planTopics({
        prefix: env.KAFKA_TOPIC_PREFIX,
        partitions: env.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
        retentionHours: env.KAFKA_TOPIC_RETENTION_HOURS,
        deadLetterRetentionHours: env.KAFKA_DLQ_RETENTION_HOURS,
        telemetryRetentionHours: env.KAFKA_TELEMETRY_RETENTION_HOURS,
      }),
    );
  } finally {
    await admin.close();
  }
}
