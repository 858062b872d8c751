/**
 * Every Kafka topic meshtrail reads or writes, in one place. Names are versioned: a breaking
 * change to a topic's key or value is a new topic, never a reinterpretation of an old one.
 */
export const TOPICS = {
  /** CloudEvents audit events from platform components. Key: workspace id, or "global". */
  auditEvents: 'audit.events.v1',
  /**
   * WorkspaceAccess events (granted, revoked, ...) from the platform's identity components: the
   * only events that change who may read a workspace. Only the authorities may write to it (Kafka
   * ACLs, see the README); meshtrail refuses memberships published anywhere else. Key: workspace id.
   */
  accessGrants: 'access.grants.v1',
  /** Records that could not be stored, with the reason and the original bytes. */
  auditEventsDeadLetter: 'audit.events.dlq.v1',
  /**
   * Keycloak's events: raw lines of its org.keycloak.events log, or KeycloakFeedRecord JSON from
   * meshtrail's event feed (Keycloak's admin API). Key: realm.
   */
  keycloakEventsRaw: 'keycloak.events.raw.v1',
  /** One structured record per API request (AccessLogRecord). Key: service name. */
  accessLogs: 'access-logs.v1',
  /** access-logs.v1 records that could not be stored, with the reason and the original bytes. */
  accessLogsDeadLetter: 'access-logs.dlq.v1',
  /** OTLP protobuf ExportMetricsServiceRequest, as the OpenTelemetry Collector's Kafka receiver reads. */
  telemetryOtlp: 'telemetry.otlp.v1',
  /** Product-usage events, relayed only when usage reporting is enabled. */
  usageEvents: 'usage.events.v1',
  /** Commands to the retention service (EnforceRetention). Key: "retention". */
  retentionCommands: 'retention.commands.v1',
  /** Signed checkpoints over the audit trail (SignedCheckpoint JSON), off the database. Key: checkpoint number. */
  auditCheckpoints: 'audit.checkpoints.v1',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey];

/** The actual topic name on a cluster shared by several installations or test runs. */
export function prefixedTopic(topic: TopicName, prefix: string): string {
  return `${prefix}${topic}`;
}

/**
 * True for the grants topic under any prefix. audit-ingest reads only the topics of its own
 * installation, so a stored event's topic that ends in the grants topic's name is that topic.
 */
export function isAccessGrantsTopic(topic: string): boolean {
  return topic.endsWith(TOPICS.accessGrants);
}
