import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppLogger } from '@meshtrail/observability';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import { CLOCK, type Clock } from '../clock';
import { RetentionEnforcer } from '../enforcement/retention-enforcer';
import { RetentionStatus } from '../enforcement/retention-status';
import type { RetentionEnv } from '../retention.env';
import { CronSchedule } from './cron-schedule';

/** setTimeout's limit; a later slot is reached by waking up and arming again. */
const MAX_TIMER_MS = 2_147_483_647;
/** A slot found busy (another run holds the lock, maybe an on-demand one) is tried again after this. */
const BUSY_RETRY_MS = 60_000;

/**
 * Runs enforcement on the cron schedule (UTC). At start it also catches up the latest slot if
 * no replica enforced it (the service was down, or this is a fresh install), so a missed week
 * is not skipped. Every replica schedules; the enforcer lets one of them run each slot.
 */
@Injectable()
export class RetentionScheduler implements OnModuleDestroy {
  private readonly logger = new AppLogger('RetentionScheduler');
  private readonly schedule: CronSchedule;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(SERVICE_CONFIG) config: RetentionEnv,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly enforcer: RetentionEnforcer,
    private readonly status: RetentionStatus,
  ) {
    this.schedule = new CronSchedule(config.RETENTION_SCHEDULE);
  }

  /** Called once the service listens. Returns at once: the catch-up run goes on in the background. */
  start(): void {
    const latest = this.schedule.previous(this.clock());
    if (latest) this.fire(latest);
    else this.arm();
  }

  private fire(slot: Date): void {
    this.running = this.enforcer
      .enforce({ trigger: 'schedule', scheduledFor: slot })
      .then((result) => !result.ran && result.reason === 'another replica is enforcing')
      .catch((error: unknown) => {
        this.logger.error('Retention Run Failed', { scheduledFor: slot.toISOString(), error: error as Error });
        return false;
      })
      .then((busy) => {
        this.running = undefined;
        // the run holding the lock may be an on-demand one: come back until someone has run this slot
        if (busy) this.retry(slot);
        else this.arm();
      });
  }

  private retry(slot: Date): void {
    if (this.stopped) return;
    this.status.nextRun = new Date(this.clock().getTime() + BUSY_RETRY_MS);
    this.timer = setTimeout(() => this.fire(slot), BUSY_RETRY_MS);
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.clock();
    const next = this.schedule.next(now);
    this.status.nextRun = next;
    if (!next) return;
    const wait = next.getTime() - now.getTime();
    this.timer = setTimeout(() => (wait > MAX_TIMER_MS ? this.arm() : this.fire(next)), Math.min(wait, MAX_TIMER_MS));
    this.logger.info('Retention Run Scheduled', { nextRun: next.toISOString(), schedule: this.schedule.expression });
  }

  /** Before connections close: no new run, and the one in flight stops between two statements. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.enforcer.abort();
    await this.running;
  }
}
