import { Injectable } from '@nestjs/common';
import { DatabaseConnection } from '@meshtrail/database';
import type { ComponentHealth, HealthIndicator } from '@meshtrail/observability';
import {
  lastRealRun,
  lastRun,
  totalPartitionsDropped,
  totalRowsDeleted,
  type RetentionRun,
} from '@meshtrail/retention';
import { RetentionStatus } from '../enforcement/retention-status';
import { retentionProblem } from './retention-problem';

/**
 * The "retention" health component: when the last run (of any replica) finished, what it did
 * and whether it succeeded, and when the next is due. DOWN, with the problem, while the last real
 * run failed (until a later one succeeds): expired data may still be stored. That does not take
 * the service out of readiness (the fix may be the next rollout); a database this replica cannot
 * read throws, which does.
 */
@Injectable()
export class RetentionHealthIndicator implements HealthIndicator {
  readonly name = 'retention';
  readonly readiness = false;

  constructor(
    private readonly database: DatabaseConnection,
    private readonly status: RetentionStatus,
  ) {}

  async check(): Promise<ComponentHealth> {
    this.status.observe(await this.database.withClient(lastRun));
    this.status.observe(await this.database.withClient(lastRealRun));
    const problem = retentionProblem(this.status.lastRealRun);
    return {
      status: problem ? 'DOWN' : 'UP',
      details: {
        nextRun: this.status.nextRun?.toISOString() ?? null,
        lastRun: describe(this.status.lastRun),
        ...(this.status.lastRealRun !== this.status.lastRun ? { lastRealRun: describe(this.status.lastRealRun) } : {}),
        ...(problem ? { problem } : {}),
      },
    };
  }
}

function describe(run: RetentionRun | undefined) {
  if (!run) return null;
  return {
    runId: run.runId,
    trigger: run.trigger,
    dryRun: run.dryRun,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    rowsDeleted: totalRowsDeleted(run.outcomes),
    partitionsDropped: totalPartitionsDropped(run.outcomes),
    ...(run.error ? { error: run.error } : {}),
  };
}
