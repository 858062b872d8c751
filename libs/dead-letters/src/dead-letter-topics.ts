import { TOPICS, type TopicName } from '@meshtrail/contracts';

/**
 * Which dead-letter topic a source topic's dead letters are also published to. Topics without
 * one (telemetry, usage, retention commands) keep their dead letters in the table only.
 */
export const DEAD_LETTER_TOPICS: ReadonlyArray<{ source: TopicName; deadLetters: TopicName }> = [
  { source: TOPICS.auditEvents, deadLetters: TOPICS.auditEventsDeadLetter },
  { source: TOPICS.accessGrants, deadLetters: TOPICS.auditEventsDeadLetter },
  { source: TOPICS.keycloakEventsRaw, deadLetters: TOPICS.auditEventsDeadLetter },
  { source: TOPICS.accessLogs, deadLetters: TOPICS.accessLogsDeadLetter },
];

/** The dead-letter topic (prefixed) for a consumed (prefixed) topic, or undefined. */
export function deadLetterTopicOf(sourceTopic: string, prefixed: (name: TopicName) => string): string | undefined {
  const entry = DEAD_LETTER_TOPICS.find(({ source }) => prefixed(source) === sourceTopic);
  return entry ? prefixed(entry.deadLetters) : undefined;
}
