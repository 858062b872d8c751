import { TOPICS, prefixedTopic, type TopicName } from '@meshtrail/contracts';
import type { TopicSpec } from '@meshtrail/kafka';
import { maxTopicRetentionHours } from './topic-retention';

export interface TopicPlanSettings {
  prefix: string;
  partitions: number;
  replicationFactor: number;
  /** How long transport topics keep records. Stores keep data; topics only carry it. */
  retentionHours: number;
  /** Dead letters wait longer, for an operator to inspect and replay them. */
  deadLetterRetentionHours: number;
  /** Telemetry is stale quickly, and the relay has its own disk queue for outages. */
  telemetryRetentionHours: number;
}

const HOUR_MS = 3_600_000;

/** How long each topic keeps records: as configured, never longer than its data's store may keep it. */
export function topicRetentionHours(settings: TopicPlanSettings): Record<TopicName, number> {
  const configured: Record<TopicName, number> = {
    [TOPICS.auditEvents]: settings.retentionHours,
    [TOPICS.accessGrants]: settings.retentionHours,
    [TOPICS.auditEventsDeadLetter]: settings.deadLetterRetentionHours,
    [TOPICS.keycloakEventsRaw]: settings.retentionHours,
    [TOPICS.accessLogs]: settings.retentionHours,
    [TOPICS.accessLogsDeadLetter]: settings.deadLetterRetentionHours,
    [TOPICS.telemetryOtlp]: settings.telemetryRetentionHours,
    [TOPICS.usageEvents]: settings.retentionHours,
    [TOPICS.retentionCommands]: settings.retentionHours,
    [TOPICS.auditCheckpoints]: settings.retentionHours,
  };
  return Object.fromEntries(
    (Object.keys(configured) as TopicName[]).map((topic) => [
      topic,
      Math.min(configured[topic], maxTopicRetentionHours(topic)),
    ]),
  ) as Record<TopicName, number>;
}

/** The topics a meshtrail installation needs, with partitions and retention from configuration. */
export function planTopics(settings: TopicPlanSettings): TopicSpec[] {
  const retention = topicRetentionHours(settings);
  return (Object.values(TOPICS) as TopicName[]).map((topic) => ({
    name: prefixedTopic(topic, settings.prefix),
    partitions: settings.partitions,
    replicationFactor: settings.replicationFactor,
    configs: {
      'cleanup.policy': 'delete',
      'retention.ms': String(retention[topic] * HOUR_MS),
      // a record may be up to 1 MiB plus envelope; larger ones are refused by the producer
      'max.message.bytes': '2097152',
    },
  }));
}
