export {
  DATA_KINDS,
  DEFAULT_POLICIES,
  RETENTION_BOUNDS,
  boundsRule,
  isWithinBounds,
  monthsText,
  policyProblems,
  type DataKind,
  type RetentionBounds,
  type RetentionPolicies,
} from './policy/data-kinds';
export { cutoffFor, monthStart } from './policy/cutoff';
export { RetentionMonths } from './policy/retention-months.decorator';
export { RETENTION_TABLES, type IdRegistry, type RetentionTable } from './registry/retention-tables';
export type { PartitionFacts, StoreInventory } from './planning/inventory';
export type { RetentionPlan, StorePlan, Sweep, SweepReason } from './planning/retention-plan';
export { planRetention, type PlanInput } from './planning/plan-retention';
