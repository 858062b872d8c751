import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { DatabaseConnection } from '@meshtrail/database';
import { withTimeout } from '@meshtrail/observability';
import { lastRun, totalRowsDeleted, type RetentionRun } from '@meshtrail/retention';
import { RetentionStatus } from './retention-status';

const meter = metrics.getMeter('meshtrail');
const runs = meter.createCounter('meshtrail.retention.runs', {
  description: 'Retention runs finished by this replica, by trigger, dry_run and status',
});
const skipped = meter.createCounter('meshtrail.retention.runs_skipped', {
  description: 'Runs this replica skipped: another replica was enforcing, or the slot or command was done',
});
const rowsDeleted = meter.createCounter('meshtrail.retention.rows_deleted', {
  description: 'Rows deleted by real runs (dropped partitions and batches), by kind',
});
const partitionsDropped = meter.createCounter('meshtrail.retention.partitions_dropped', {
  description: 'Monthly partitions dropped by real runs, by kind',
});
const duration = meter.createHistogram('meshtrail.retention.run.duration', {
  description: 'Duration of retention runs',
  unit: 's',
});
const lastRunTimestamp = meter.createObservableGauge('meshtrail.retention.last_run.timestamp', {
  description: 'When the last run (of any replica) finished, in seconds since the epoch',
  unit: 's',
});
const lastRunSuccess = meter.createObservableGauge('meshtrail.retention.last_run.success', {
  description: '1 when the last run succeeded, 0 when it failed',
});
const lastRunRows = meter.createObservableGauge('meshtrail.retention.last_run.rows_deleted', {
  description: 'Rows the last run deleted (or, if dry, would have deleted)',
});

/**
 * meshtrail.retention.* instruments. The last-run gauges show the last run of any replica: each
 * scrape reads it from retention_runs (what this replica knew before, if the database is slow).
 */
@Injectable()
export class RetentionMetrics {
  constructor(
    private readonly database: DatabaseConnection,
    private readonly status: RetentionStatus,
  ) {
    meter.addBatchObservableCallback(
      async (observer) => {
        await withTimeout(this.refresh(), 1000, 'retention_runs').catch(() => undefined);
        const run = this.status.lastRun;
        if (!run) return;
        const attributes = { dry_run: String(run.dryRun) };
        observer.observe(lastRunTimestamp, run.finishedAt.getTime() / 1000, attributes);
        observer.observe(lastRunSuccess, run.status === 'succeeded' ? 1 : 0, attributes);
        observer.observe(lastRunRows, totalRowsDeleted(run.outcomes), attributes);
      },
      [lastRunTimestamp, lastRunSuccess, lastRunRows],
    );
  }

  private async refresh(): Promise<void> {
    this.status.observe(await this.database.withClient(lastRun));
  }

  finished(run: RetentionRun): void {
    runs.add(1, { trigger: run.trigger, dry_run: String(run.dryRun), status: run.status });
    duration.record((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000, { dry_run: String(run.dryRun) });
    if (run.dryRun) return;
    for (const outcome of run.outcomes) {
      rowsDeleted.add(outcome.rowsDeleted, { kind: outcome.kind });
      partitionsDropped.add(outcome.partitionsDropped.length, { kind: outcome.kind });
    }
  }

  skipped(reason: string): void {
    skipped.add(1, { reason });
  }
}
