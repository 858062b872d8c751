export { INGEST_ROLE, copyRows } from './sql-client';
export {
  AUDIT_EVENT_COLUMNS,
  auditEventFields,
  auditRow,
  splitRepeatsWithinBatch,
  type AuditRow,
  type BatchSplit,
  type IncomingAuditEvent,
  type KafkaPosition,
  type StorableAuditEvent,
} from './stored-audit-event';
export { probeAuditStore, storeAuditEvents, storeAuditRows, type StoreOutcome } from './audit-event.store';
export { storeAuthEvents, type AuthEvent, type AuthEventRow } from './auth-event.store';
export { ensurePartitions, PARTITIONED_TABLES } from './partitions';
export {
  emptyDelta,
  foldEvents,
  workspaceNameKey,
  type Membership,
  type ProjectedEvent,
  type ProjectionDelta,
  type WorkspaceNameChange,
} from './projections/projection-delta';
export { applyProjectionDelta, type ObjectCount } from './projections/apply-projection-delta';
export { rebuildProjections, type RebuildReport } from './projections/rebuild-projections';
export {
  restoreProjectionSnapshot,
  snapshotProjections,
  type ProjectionSnapshot,
} from './projections/projection-snapshot';
export {
  PROJECTOR_LOCK,
  SEARCH_COLUMNS,
  TRAIL_PROJECTION,
  projectTrail,
  projectTrailUntilCaughtUp,
  readPosition,
  type ProjectionStep,
} from './projections/project-trail';
export { TRAIL_START, compareTrailPositions, type TrailPosition } from './trail-position';
export {
  DEFAULT_TRAIL_SCAN_ROWS,
  readTrailAfter,
  type TrailEntry,
  type TrailPage,
  type TrailReadOptions,
  type TrailScope,
} from './read-trail';
