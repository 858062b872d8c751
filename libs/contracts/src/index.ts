export { TOPICS, isAccessGrantsTopic, prefixedTopic, type TopicKey, type TopicName } from './topics';
export { KEYCLOAK_FEED_NAME, type KeycloakFeedRecord } from './keycloak-feed-record';
export type { OutgoingRecord, RecordSink } from './record-sink';
export { parseUsageEvent, type UsageEvent, type UsageEventParse } from './usage-event';
export {
  DEAD_LETTER_BOUNDS,
  DEAD_LETTER_REASON_HEADER,
  DEAD_LETTER_REPLAY_HEADER,
  type DeadLetterRecord,
} from './dead-letter';
export {
  ACTIONS,
  ACTOR_KINDS,
  OBJECT_TYPES,
  WORKSPACE_SCOPED_TYPES,
  normaliseAction,
  normaliseObjectType,
  type ActorKind,
  type AuditAction,
  type ObjectType,
} from './audit/vocabulary';
export { EVENT_FAILURES, failure, type EventFailure, type EventFailureCode } from './audit/failure';
export { canonicalHash, canonicalJson } from './audit/canonical-json';
export { GRANT_OBJECT_TYPE, grantAuthorityFailure } from './audit/grant-authority';
export {
  GLOBAL_KEY,
  auditEventKey,
  type AuditActor,
  type AuditChange,
  type AuditCloudEvent,
  type AuditEventData,
  type ValidAuditEvent,
} from './audit/audit-event';
export {
  AuditActorDto,
  AuditChangeDto,
  AuditCloudEventDto,
  AuditEventDataDto,
  ONE_LINE,
} from './audit/audit-event.dto';
export { validateAuditEvent, type AuditValidationOptions } from './audit/validate-audit-event';
export { MAX_AUDIT_EVENT_BYTES, parseAuditRecord, type AuditParseResult } from './audit/parse-audit-record';
export { AUDIT_EVENT_JSON_LIMITS, MAX_ROLE_LENGTH } from './audit/audit-limits';
export { jsonProblem, type JsonLimits, type JsonProblem, type JsonProblemKind } from './storable/storable-json';
export { INDEXED_TEXT_MAX_BYTES, textProblem } from './storable/storable-text';
export {
  DEFAULT_OLDEST_EVENT_TIME,
  RFC3339,
  STORABLE_TIME_MAX_MS,
  STORABLE_TIME_MIN_MS,
  isoTime,
  parseRfc3339,
  timeWindowProblem,
  type TimeParse,
  type TimeWindow,
  type TimeWindowProblem,
} from './storable/storable-time';
export {
  AuditEventPublisher,
  AuditEventRejectedError,
  type AuditEventInput,
  type AuditEventPublisherOptions,
  type PublishedAuditEvent,
} from './audit/audit-event.publisher';
export {
  RETENTION_COMMAND_KEY,
  parseRetentionCommand,
  retentionCommandMessage,
  type EnforceRetention,
  type RetentionCommandParse,
} from './retention/enforce-retention.command';
export {
  ACCESS_LOG_MAX_FUTURE_SKEW_MS,
  ACCESS_LOG_TEXT_LIMITS,
  MAX_ACCESS_LOG_DURATION_MS,
  checkAccessLogRecord,
  decodeAccessLogLine,
  decodeAccessLogRecords,
  packAccessLogLines,
  packAccessLogRecords,
  serializeAccessLogRecord,
  type AccessLogCheckOptions,
  type AccessLogRecord,
  type AccessLogRecordCheck,
  type RejectedAccessLogLine,
} from './access-log';
