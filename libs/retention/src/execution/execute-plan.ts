import { lockHoldsShared, notHeld } from '../legal-hold/hold-lock';
import type { RetentionPlan, StorePlan, Sweep } from '../planning/retention-plan';
import type { IdRegistry } from '../registry/retention-tables';
import {
  countSelection,
  deleteInBlockBatches,
  deleteInIndexedBlocks,
  type BatchOptions,
  type BatchResult,
  type BrinNarrowing,
  type RowSelection,
} from './block-batches';
import { indexExists } from './brin-ranges';
import { limitLockWait, withLockRetries, type LockOptions } from './lock-retries';
import { detachedName } from './read-inventory';
import { inTransaction, type SqlSession } from '@meshtrail/database';
import { ident } from './sql';
import type { StoreOutcome, TableOutcome } from './store-outcome';

export interface ExecutionOptions extends BatchOptions, LockOptions {
  /** Count what would be deleted, change nothing. */
  readonly dryRun: boolean;
  /** Called after each DDL statement with how long it held its lock. */
  readonly onDdl?: (ddl: { statement: string; relation: string; durationMs: number }) => void;
}

class Figures {
  partitionsDropped: string[] = [];
  rowsInDroppedPartitions = 0;
  rowsDeletedInBatches = 0;
  registryRowsDeleted = 0;
  deleteStatements = 0;
  partitionsCreated = 0;
}

function expiredRows(plan: StorePlan, relation: string): RowSelection {
  const time = `t.${ident(plan.timeColumn)}`;
  const held = plan.workspaceColumn ? ` AND ${notHeld(`t.${ident(plan.workspaceColumn)}`)}` : '';
  return { relation, condition: `${time} < $1${held}`, params: [plan.cutoff] };
}

/**
 * Registry rows older than the cutoff whose store row is gone: an id stays registered while its
 * event is stored (held, or stored after the store was swept). A dry run deleted nothing from
 * the store, so there the store rows that stay are those it keeps for a hold.
 */
function expiredRegistryRows(plan: StorePlan, registry: IdRegistry, dryRun: boolean): RowSelection {
  const time = `t.${ident(registry.timeColumn)}`;
  const expired = `${time} < $1`;
  if (dryRun && !plan.workspaceColumn) return { relation: registry.table, condition: expired, params: [plan.cutoff] };
  const held = dryRun ? ` AND NOT ${notHeld(`e.${ident(plan.workspaceColumn!)}`)}` : '';
  // the bound on e's time column lets the planner skip every partition newer than the cutoff
  const stays = `EXISTS (SELECT 1 FROM ${ident(plan.table)} e
      WHERE e.${ident(registry.storeIdColumn)} = t.${ident(registry.idColumn)}
        AND e.${ident(plan.timeColumn)} = ${time} AND e.${ident(plan.timeColumn)} < $1${held})`;
  return { relation: registry.table, condition: `${expired} AND NOT ${stays}`, params: [plan.cutoff] };
}

async function countRows(sql: SqlSession, relation: string): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(relation)}`);
  return Number(rows[0].n);
}

async function tableExists(sql: SqlSession, relation: string): Promise<boolean> {
  const { rows } = await sql.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [relation]);
  return rows[0].exists;
}

/**
 * Detaches a wholly expired partition and renames it, in one short transaction that holds the
 * parent's lock only for the catalog change. Returns false, leaving it attached, when a hold
 * placed since planning now covers some of its rows.
 */
async function detach(
  sql: SqlSession,
  plan: StorePlan,
  partition: string,
  options: ExecutionOptions,
): Promise<boolean> {
  return withLockRetries(options, () =>
    inTransaction(sql, async () => {
      await limitLockWait(sql, options);
      await lockHoldsShared(sql);
      if (plan.workspaceColumn) {
        const workspace = `t.${ident(plan.workspaceColumn)}`;
        const { rows } = await sql.query<{ held: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM ${ident(partition)} t WHERE NOT ${notHeld(workspace)}) AS held`,
        );
        if (rows[0].held) return false;
      }
      const began = performance.now();
      // the owner's function: detaches and renames (to detachedName) a partition wholly below its
      // store's recorded cutoff, and nothing else
      await sql.query('SELECT meshtrail_detach_expired_partition($1, $2)', [plan.table, partition]);
      options.onDdl?.({ statement: 'DETACH PARTITION', relation: partition, durationMs: performance.now() - began });
      return true;
    }),
  );
}

/** Counts a detached partition's rows (nothing writes to it any more), then drops it. */
async function dropDetached(
  sql: SqlSession,
  relation: string,
  reportAs: string,
  figures: Figures,
  options: ExecutionOptions,
) {
  const rows = await countRows(sql, relation);
  const began = performance.now();
  await sql.query('SELECT meshtrail_drop_detached_partition($1)', [relation]);
  options.onDdl?.({ statement: 'DROP TABLE', relation, durationMs: performance.now() - began });
  figures.rowsInDroppedPartitions += rows;
  figures.partitionsDropped.push(reportAs);
}

async function sweepRows(sql: SqlSession, selection: RowSelection, options: ExecutionOptions): Promise<BatchResult> {
  if (options.dryRun) return { deleted: await countSelection(sql, selection), statements: 0 };
  return deleteInBlockBatches(sql, selection, options);
}

async function missingMonths(sql: SqlSession, plan: StorePlan): Promise<number> {
  const ahead = plan.ensureAhead!;
  const { rows } = await sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM generate_series($2::timestamptz, $2::timestamptz + make_interval(months => $3 - 1), interval '1 month') m
      WHERE to_regclass($1 || '_' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM')) IS NULL`,
    [plan.table, ahead.fromMonth, ahead.months],
  );
  return Number(rows[0].n);
}

async function ensureAhead(sql: SqlSession, plan: StorePlan, options: ExecutionOptions): Promise<number> {
  if (!plan.ensureAhead) return 0;
  if (options.dryRun) return missingMonths(sql, plan);
  const { fromMonth, months } = plan.ensureAhead;
  return withLockRetries(options, () =>
    inTransaction(sql, async () => {
      await limitLockWait(sql, options);
      const { rows } = await sql.query<{ created: number }>(
        'SELECT meshtrail_ensure_monthly_partitions($1, $2::date, $3) AS created',
        [plan.table, fromMonth.toISOString().slice(0, 10), months],
      );
      return rows[0].created;
    }),
  );
}

/** Drops the plan's partitions and deletes its rows in batches: the same for a store and a copy. */
async function pruneTable(sql: SqlSession, plan: StorePlan, options: ExecutionOptions, figures: Figures) {
  const { signal } = options;
  signal?.throwIfAborted();
  figures.partitionsCreated = await ensureAhead(sql, plan, options);
  for (const leftover of plan.dropDetached) {
    signal?.throwIfAborted();
    if (options.dryRun) {
      figures.rowsInDroppedPartitions += await countRows(sql, leftover);
      figures.partitionsDropped.push(leftover);
    } else if (await tableExists(sql, leftover)) {
      await dropDetached(sql, leftover, leftover, figures, options);
    }
  }
  const sweeps: Sweep[] = [...plan.sweep];
  for (const partition of plan.drop) {
    signal?.throwIfAborted();
    if (options.dryRun) {
      figures.rowsInDroppedPartitions += await countRows(sql, partition);
      figures.partitionsDropped.push(partition);
    } else if (await detach(sql, plan, partition, options)) {
      await dropDetached(sql, detachedName(partition), partition, figures, options);
    } else {
      sweeps.push({ relation: partition, reason: 'held' });
    }
  }
  for (const sweep of sweeps) {
    const result = await sweepRows(sql, expiredRows(plan, sweep.relation), options);
    figures.rowsDeletedInBatches += result.deleted;
    figures.deleteStatements += result.statements;
  }
}

async function purgeRegistry(
  sql: SqlSession,
  plan: StorePlan,
  registry: IdRegistry,
  options: ExecutionOptions,
): Promise<BatchResult> {
  const selection = expiredRegistryRows(plan, registry, options.dryRun);
  if (options.dryRun || !registry.timeIndex || !(await indexExists(sql, registry.timeIndex))) {
    return sweepRows(sql, selection, options);
  }
  const narrowing: BrinNarrowing = {
    index: registry.timeIndex,
    condition: `t.${ident(registry.timeColumn)} < $1`,
    params: [plan.cutoff],
  };
  return deleteInIndexedBlocks(sql, selection, narrowing, options);
}

async function purgeRegistries(sql: SqlSession, plan: StorePlan, options: ExecutionOptions, figures: Figures) {
  for (const registry of plan.idRegistries) {
    options.signal?.throwIfAborted();
    if (!(await tableExists(sql, registry.table))) continue;
    const result = await purgeRegistry(sql, plan, registry, options);
    figures.registryRowsDeleted += result.deleted;
    figures.deleteStatements += result.statements;
  }
}

function tableOutcome(plan: StorePlan, figures: Figures, durationMs: number, error?: unknown): TableOutcome {
  return {
    table: plan.table,
    ...(plan.skipped ? { skipped: plan.skipped } : {}),
    partitionsDropped: figures.partitionsDropped,
    rowsDeleted: figures.rowsInDroppedPartitions + figures.rowsDeletedInBatches,
    rowsInDroppedPartitions: figures.rowsInDroppedPartitions,
    rowsDeletedInBatches: figures.rowsDeletedInBatches,
    deleteStatements: figures.deleteStatements,
    partitionsCreated: figures.partitionsCreated,
    durationMs: Math.round(durationMs),
    ...(error === undefined ? {} : { error: (error as Error).message ?? String(error) }),
  };
}

/** Prunes a copy of a store; a copy whose table does not exist is skipped. */
async function pruneCopy(sql: SqlSession, copy: StorePlan, options: ExecutionOptions): Promise<TableOutcome> {
  const figures = new Figures();
  if (copy.skipped) return tableOutcome(copy, figures, 0);
  const began = performance.now();
  try {
    await pruneTable(sql, copy, options, figures);
    return tableOutcome(copy, figures, performance.now() - began);
  } catch (error) {
    return tableOutcome(copy, figures, performance.now() - began, error);
  }
}

/**
 * One store: its partitions and rows, then its copies by the same cutoff and holds (whatever
 * became of the store's own work), then its id registries.
 */
async function executeStore(sql: SqlSession, plan: StorePlan, options: ExecutionOptions): Promise<StoreOutcome> {
  const began = performance.now();
  const figures = new Figures();
  if (plan.skipped) return storeOutcome(plan, figures, tableOutcome(plan, figures, 0), []);
  let failure: unknown;
  try {
    await pruneTable(sql, plan, options, figures);
  } catch (error) {
    failure = error;
  }
  const copies: TableOutcome[] = [];
  for (const copy of plan.copies) copies.push(await pruneCopy(sql, copy, options));
  if (failure === undefined) {
    try {
      await purgeRegistries(sql, plan, options, figures);
    } catch (error) {
      failure = error;
    }
  }
  return storeOutcome(plan, figures, tableOutcome(plan, figures, performance.now() - began, failure), copies);
}

function storeOutcome(plan: StorePlan, figures: Figures, own: TableOutcome, copies: TableOutcome[]): StoreOutcome {
  const copyErrors = copies.filter((copy) => copy.error).map((copy) => `${copy.table}: ${copy.error}`);
  const error = own.error ?? (copyErrors.length > 0 ? copyErrors.join('; ') : undefined);
  return {
    kind: plan.kind,
    retentionMonths: plan.retentionMonths,
    cutoff: plan.cutoff.toISOString(),
    ...own,
    registryRowsDeleted: figures.registryRowsDeleted,
    copies,
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * Carries out a plan on one database session. A dry run counts, with the same selections, what
 * the real run deletes, and changes nothing. A store that fails is reported with its error and
 * the others still run.
 */
export async function executePlan(
  sql: SqlSession,
  plan: RetentionPlan,
  options: ExecutionOptions,
): Promise<StoreOutcome[]> {
  const outcomes: StoreOutcome[] = [];
  for (const store of plan.stores) outcomes.push(await executeStore(sql, store, options));
  return outcomes;
}
