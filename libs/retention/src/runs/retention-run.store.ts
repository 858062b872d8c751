import type { ActorKind } from '@meshtrail/contracts';
import type { SqlSession } from '@meshtrail/database';
import type { StoreOutcome } from '../execution/store-outcome';
import { totalPartitionsDropped, totalRowsDeleted, type RetentionRun, type RunTrigger } from './retention-run';

interface RunRow extends Record<string, unknown> {
  run_id: string;
  trigger: RunTrigger;
  scheduled_for: Date | null;
  dry_run: boolean;
  requested_by_kind: string | null;
  requested_by_id: string | null;
  requested_by_name: string | null;
  started_at: Date;
  finished_at: Date;
  status: 'succeeded' | 'failed';
  outcomes: StoreOutcome[];
  error: string | null;
}

function toRun(row: RunRow): RetentionRun {
  return {
    runId: row.run_id,
    trigger: row.trigger,
    ...(row.scheduled_for ? { scheduledFor: row.scheduled_for } : {}),
    dryRun: row.dry_run,
    ...(row.requested_by_id
      ? {
          requestedBy: {
            kind: row.requested_by_kind as ActorKind,
            id: row.requested_by_id,
            name: row.requested_by_name ?? '',
          },
        }
      : {}),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    outcomes: row.outcomes,
    ...(row.error ? { error: row.error } : {}),
  };
}

export async function recordRun(sql: SqlSession, run: RetentionRun): Promise<void> {
  await sql.query(
    `INSERT INTO retention_runs (run_id, trigger, scheduled_for, dry_run, requested_by_kind, requested_by_id,
       requested_by_name, started_at, finished_at, status, rows_deleted, partitions_dropped, outcomes, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      run.runId,
      run.trigger,
      run.scheduledFor ?? null,
      run.dryRun,
      run.requestedBy?.kind ?? null,
      run.requestedBy?.id ?? null,
      run.requestedBy?.name ?? null,
      run.startedAt,
      run.finishedAt,
      run.status,
      totalRowsDeleted(run.outcomes),
      totalPartitionsDropped(run.outcomes),
      JSON.stringify(run.outcomes),
      run.error ?? null,
    ],
  );
}

/** Whether a run already enforced this scheduled slot (on any replica). */
export async function slotEnforced(sql: SqlSession, slot: Date): Promise<boolean> {
  const { rows } = await sql.query(`SELECT 1 FROM retention_runs WHERE trigger = 'schedule' AND scheduled_for = $1`, [
    slot,
  ]);
  return rows.length > 0;
}

export async function findRun(sql: SqlSession, runId: string): Promise<RetentionRun | undefined> {
  const { rows } = await sql.query<RunRow>('SELECT * FROM retention_runs WHERE run_id = $1', [runId]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** The most recently finished run, real or dry. */
export async function lastRun(sql: SqlSession): Promise<RetentionRun | undefined> {
  const { rows } = await sql.query<RunRow>('SELECT * FROM retention_runs ORDER BY finished_at DESC, id DESC LIMIT 1');
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** The most recently finished real (not dry) run: whether data past its time is really gone. */
export async function lastRealRun(sql: SqlSession): Promise<RetentionRun | undefined> {
  const { rows } = await sql.query<RunRow>(
    'SELECT * FROM retention_runs WHERE NOT dry_run ORDER BY finished_at DESC, id DESC LIMIT 1',
  );
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** Recent runs, newest first. */
export async function recentRuns(sql: SqlSession, limit: number): Promise<RetentionRun[]> {
  const { rows } = await sql.query<RunRow>('SELECT * FROM retention_runs ORDER BY finished_at DESC, id DESC LIMIT $1', [
    limit,
  ]);
  return rows.map(toRun);
}
