import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { snapshotProjections } from '@meshtrail/audit-store';
import { DatabaseConnection, type SqlSession } from '@meshtrail/database';
import { AppLogger } from '@meshtrail/observability';
import {
  enforceRetention,
  findRun,
  recordRun,
  retentionEnforced,
  slotEnforced,
  totalPartitionsDropped,
  totalRowsDeleted,
  type HoldActor,
  type RetentionRun,
  type StoreOutcome,
} from '@meshtrail/retention';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import { CLOCK, type Clock } from '../clock';
import { policiesOf, type RetentionEnv } from '../retention.env';
import { RetentionAuditPublisher } from './audit-publisher.provider';
import { withEnforcementLock } from './enforcement-lock';
import { RetentionMetrics } from './retention.metrics';
import { RetentionStatus } from './retention-status';

export type RunRequest =
  | { trigger: 'schedule'; scheduledFor: Date }
  | { trigger: 'demand'; runId: string; dryRun: boolean; requestedBy: HoldActor };

export type SkipReason = 'another replica is enforcing' | 'slot already enforced' | 'command already run';

export type RunResult = { ran: true; run: RetentionRun } | { ran: false; reason: SkipReason };

/**
 * One enforcement at a time across replicas: takes the advisory lock on a dedicated session,
 * skips a scheduled slot or command another replica already handled, runs (or dry-runs) every
 * policy, publishes RetentionEnforced for each store a real run touched, and records the run.
 */
@Injectable()
export class RetentionEnforcer {
  private readonly logger = new AppLogger('RetentionEnforcer');
  private readonly policies;
  private inFlight?: AbortController;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: RetentionEnv,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly database: DatabaseConnection,
    private readonly publisher: RetentionAuditPublisher,
    private readonly metrics: RetentionMetrics,
    private readonly status: RetentionStatus,
  ) {
    this.policies = policiesOf(config);
  }

  async enforce(request: RunRequest): Promise<RunResult> {
    return withEnforcementLock(
      this.database,
      (sql) => this.enforceHoldingLock(sql, request),
      () => this.skip(request, 'another replica is enforcing'),
    );
  }

  private async enforceHoldingLock(sql: SqlSession, request: RunRequest): Promise<RunResult> {
    if (request.trigger === 'schedule' && (await slotEnforced(sql, request.scheduledFor))) {
      return this.skip(request, 'slot already enforced');
    }
    if (request.trigger === 'demand' && (await findRun(sql, request.runId))) {
      return this.skip(request, 'command already run');
    }
    const run = await this.run(sql, request);
    await recordRun(sql, run);
    this.status.observe(run);
    this.metrics.finished(run);
    this.logger.info(run.dryRun ? 'Retention Dry Run Finished' : 'Retention Enforced', {
      runId: run.runId,
      trigger: run.trigger,
      status: run.status,
      rowsDeleted: totalRowsDeleted(run.outcomes),
      partitionsDropped: totalPartitionsDropped(run.outcomes),
      durationMs: run.finishedAt.getTime() - run.startedAt.getTime(),
      stores: run.outcomes.map((o) => ({
        kind: o.kind,
        cutoff: o.cutoff,
        rowsDeleted: o.rowsDeleted,
        partitionsDropped: o.partitionsDropped.length,
        ...(o.skipped ? { skipped: o.skipped } : {}),
        ...(o.error ? { error: o.error } : {}),
      })),
    });
    return { ran: true, run };
  }

  /** Stops a run in flight between two statements (on shutdown); what it deleted stays recorded. */
  abort(): void {
    this.inFlight?.abort(new Error('interrupted: the service is stopping'));
  }

  private async run(sql: SqlSession, request: RunRequest): Promise<RetentionRun> {
    const runId = request.trigger === 'demand' ? request.runId : randomUUID();
    const dryRun = request.trigger === 'demand' && request.dryRun;
    const startedAt = this.clock();
    this.inFlight = new AbortController();
    this.logger.info('Retention Run Started', { runId, trigger: request.trigger, dryRun });
    let outcomes: StoreOutcome[] = [];
    const errors: string[] = [];
    try {
      ({ outcomes } = await enforceRetention(sql, {
        now: startedAt,
        policies: this.policies,
        monthsAhead: this.config.RETENTION_PARTITIONS_AHEAD_MONTHS,
        dryRun,
        batchRows: this.config.RETENTION_DELETE_BATCH_ROWS,
        lockTimeoutMs: this.config.RETENTION_LOCK_TIMEOUT_MS,
        signal: this.inFlight.signal,
        // a rebuild after the purge starts from the projections as they were (memberships, counts)
        beforeTrailPurge: async (session) => void (await snapshotProjections(session)),
      }));
    } catch (error) {
      errors.push((error as Error).message);
    } finally {
      this.inFlight = undefined;
    }
    errors.push(...outcomes.filter((o) => o.error).map((o) => `${o.kind}: ${o.error}`));
    const finishedAt = this.clock();
    if (!dryRun) {
      const touched = outcomes.filter((outcome) => !outcome.skipped);
      try {
        await this.publisher.publish(touched.map((outcome) => retentionEnforced(runId, finishedAt, outcome)));
      } catch (error) {
        errors.push(`RetentionEnforced not published: ${(error as Error).message}`);
      }
    }
    return {
      runId,
      trigger: request.trigger,
      ...(request.trigger === 'schedule' ? { scheduledFor: request.scheduledFor } : {}),
      ...(request.trigger === 'demand' ? { requestedBy: request.requestedBy } : {}),
      dryRun,
      startedAt,
      finishedAt,
      status: errors.length === 0 ? 'succeeded' : 'failed',
      outcomes,
      ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    };
  }

  private skip(request: RunRequest, reason: SkipReason): RunResult {
    this.metrics.skipped(reason);
    this.logger.info('Retention Run Skipped', {
      trigger: request.trigger,
      reason,
      ...(request.trigger === 'schedule' ? { scheduledFor: request.scheduledFor.toISOString() } : {}),
      ...(request.trigger === 'demand' ? { runId: request.runId } : {}),
    });
    return { ran: false, reason };
  }
}
