import { TOPICS, type TopicName } from '@meshtrail/contracts';
import { RETENTION_BOUNDS, type DataKind } from './data-kinds';

/**
 * The kind of stored data each topic carries. A topic must never keep records longer than the
 * store of that data may keep them, whatever the store's configured retention.
 */
export const TOPIC_DATA_KINDS: Readonly<Record<TopicName, DataKind>> = {
  [TOPICS.auditEvents]: 'auditEvents',
  [TOPICS.accessGrants]: 'auditEvents',
  // dead-letter topics carry dead letters (refused audit, Keycloak and access-log records): kept
  // no longer than dead_letters may keep them
  [TOPICS.auditEventsDeadLetter]: 'deadLetters',
  [TOPICS.keycloakEventsRaw]: 'authEvents',
  [TOPICS.accessLogs]: 'accessLogs',
  [TOPICS.accessLogsDeadLetter]: 'deadLetters',
  [TOPICS.telemetryOtlp]: 'telemetryTransmissions',
  [TOPICS.usageEvents]: 'telemetryTransmissions',
  // commands name the administrator who asked: kept no longer than the trail of what they asked for
  [TOPICS.retentionCommands]: 'auditEvents',
  // hashes and positions of audit events, no content: kept as long as the trail's transport
  [TOPICS.auditCheckpoints]: 'auditEvents',
};

/** A calendar month lasts at least 28 days. */
const SHORTEST_MONTH_HOURS = 28 * 24;

/**
 * The longest a topic may keep records: its data kind's minimum retention, counted in the
 * shortest months (a store configured at that minimum keeps the data at least that long).
 */
export function maxTopicRetentionHours(topic: TopicName): number {
  return RETENTION_BOUNDS[TOPIC_DATA_KINDS[topic]].minMonths * SHORTEST_MONTH_HOURS;
}
