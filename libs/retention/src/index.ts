export {
  DATA_KINDS,
  DEFAULT_POLICIES,
  RETENTION_BOUNDS,
  boundsRule,
  isWithinBounds,
  monthsText,
  type DataKind,
  type RetentionBounds,
  type RetentionPolicies,
} from './policy/data-kinds';
export { cutoffFor, monthStart } from './policy/cutoff';
export { RetentionMonths } from './policy/retention-months.decorator';
export {
  RETENTION_TABLES,
  copyAsStore,
  type IdRegistry,
  type RetentionTable,
  type StoreCopy,
} from './registry/retention-tables';
export type { PartitionFacts, StoreInventory } from './planning/inventory';
export type { RetentionPlan, StorePlan, Sweep, SweepReason } from './planning/retention-plan';
export { planRetention, type PlanInput } from './planning/plan-retention';
export { ident } from './execution/sql';
export { readInventory, detachedName } from './execution/read-inventory';
export {
  countSelection,
  deleteInBlockBatches,
  deleteInIndexedBlocks,
  type BatchOptions,
  type BatchResult,
  type BrinNarrowing,
  type RowSelection,
} from './execution/block-batches';
export { executePlan, type ExecutionOptions } from './execution/execute-plan';
export { deletionFigures, type StoreOutcome, type TableOutcome } from './execution/store-outcome';
export { enforceRetention, type Enforcement, type EnforcementRequest } from './run/enforce-retention';
export {
  HOLD_FAILURES,
  LegalHoldError,
  type HoldActor,
  type HoldFailureCode,
  type LegalHold,
} from './legal-hold/legal-hold';
export { activeHoldWorkspaces, listHolds } from './legal-hold/legal-hold.store';
export { LegalHoldService, type HoldCommand } from './legal-hold/legal-hold.service';
export {
  RETENTION_ACTOR,
  legalHoldPlaced,
  legalHoldReleased,
  retentionEnforced,
  type AuditPublish,
} from './audit/retention-audit-events';
export { totalPartitionsDropped, totalRowsDeleted, type RetentionRun, type RunTrigger } from './runs/retention-run';
export { findRun, lastRealRun, lastRun, recentRuns, recordRun, slotEnforced } from './runs/retention-run.store';
export { TOPIC_DATA_KINDS, maxTopicRetentionHours } from './policy/topic-retention';
export { planTopics, topicRetentionHours, type TopicPlanSettings } from './policy/topic-plan';
export {
  daysWithinLogBounds,
  LOG_KINDS,
  LOG_RETENTION_BOUNDS,
  logBoundsRule,
  type LogKind,
  type LogRetentionBounds,
} from './policy/log-retention';
