import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '@meshtrail/database';
import type { ComponentHealth, HealthIndicator } from '@meshtrail/observability';
import { lastRun, totalPartitionsDropped, totalRowsDeleted } from '@meshtrail/retention';
import { RetentionStatus } from '../enforcement/retention-status';

/**
 * The "retention" health component: when the last run (of any replica) finished, what it did
 * and whether it succeeded, and when the next is due. A failed run does not make the service
 * unready (its details say so, and meshtrail.retention.last_run.success is 0); a database this
 * replica cannot read does.
 */
@Injectable()
export class RetentionHealthIndicator implements HealthIndicator {
  readonly name = 'retention';

  constructor(
    private readonly database: DatabaseConnection,
    private readonly status: RetentionStatus,
  ) {}

  async check(): Promise<ComponentHealth> {
    this.status.observe(await this.database.withClient(lastRun));
    const run = this.status.lastRun;
    return {
      status: 'UP',
      details: {
        nextRun: this.status.nextRun?.toISOString() ?? null,
        lastRun: run
          ? {
              runId: run.runId,
              trigger: run.trigger,
              dryRun: run.dryRun,
              status: run.status,
              startedAt: run.startedAt.toISOString(),
              finishedAt: run.finishedAt.toISOString(),
              rowsDeleted: totalRowsDeleted(run.outcomes),
              partitionsDropped: totalPartitionsDropped(run.outcomes),
              ...(run.error ? { error: run.error } : {}),
            }
          : null,
      },
    };
  }
}
