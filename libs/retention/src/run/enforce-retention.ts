import { cutoffFor } from '../policy/cutoff';
import type { RetentionPolicies } from '../policy/data-kinds';
import { executePlan, type ExecutionOptions } from '../execution/execute-plan';
import { readInventory } from '../execution/read-inventory';
import type { SqlSession } from '@meshtrail/database';
import type { StoreOutcome } from '../execution/store-outcome';
import { activeHoldWorkspaces } from '../legal-hold/legal-hold.store';
import type { StoreInventory } from '../planning/inventory';
import { planRetention } from '../planning/plan-retention';
import type { RetentionPlan } from '../planning/retention-plan';
import { RETENTION_TABLES, type RetentionTable } from '../registry/retention-tables';
import { requestTrailPurgeSeals } from './seal-trail-purges';
import { beforeTrailPurge, type BeforeTrailPurge } from './before-trail-purge';

export interface EnforcementRequest extends ExecutionOptions {
  readonly now: Date;
  readonly policies: RetentionPolicies;
  readonly monthsAhead: number;
  /** Default: every registered store. */
  readonly stores?: readonly RetentionTable[];
  /** Run before a real run removes audit events (the retention service snapshots the projections). */
  readonly beforeTrailPurge?: BeforeTrailPurge;
}

export interface Enforcement {
  plan: RetentionPlan;
  outcomes: StoreOutcome[];
}

/**
 * One retention pass on one database session: read the holds and what each store holds, plan,
 * then execute (or, for a dry run, count). The same path serves both, so a dry run reports what
 * the real run that follows deletes.
 */
export async function enforceRetention(sql: SqlSession, request: EnforcementRequest): Promise<Enforcement> {
  // partitions created ahead get UTC month bounds whatever the server's default time zone
  await sql.query(`SET TIME ZONE 'UTC'`);
  const heldWorkspaces = await activeHoldWorkspaces(sql);
  const inventories: StoreInventory[] = [];
  const unreadable: StoreOutcome[] = [];
  for (const store of request.stores ?? RETENTION_TABLES) {
    const cutoff = cutoffFor(request.now, request.policies[store.kind]);
    try {
      inventories.push(await readInventory(sql, store, cutoff, heldWorkspaces.length > 0));
    } catch (error) {
      unreadable.push(failedOutcome(store, request.policies[store.kind], cutoff, error));
    }
  }
  const plan = planRetention({
    now: request.now,
    policies: request.policies,
    heldWorkspaces,
    stores: inventories,
    monthsAhead: request.monthsAhead,
  });
  await requestTrailPurgeSeals(sql, plan, request.dryRun);
  await beforeTrailPurge(sql, plan, request.dryRun, request.beforeTrailPurge);
  return { plan, outcomes: [...(await executePlan(sql, plan, request)), ...unreadable] };
}

function failedOutcome(store: RetentionTable, months: number, cutoff: Date, error: unknown): StoreOutcome {
  return {
    kind: store.kind,
    table: store.table,
    retentionMonths: months,
    cutoff: cutoff.toISOString(),
    partitionsDropped: [],
    rowsDeleted: 0,
    rowsInDroppedPartitions: 0,
    rowsDeletedInBatches: 0,
    registryRowsDeleted: 0,
    copies: [],
    deleteStatements: 0,
    partitionsCreated: 0,
    durationMs: 0,
    error: (error as Error).message,
  };
}
