import { Injectable } from '@nestjs/common';
import type { ComponentHealth, HealthIndicator, HealthProblem } from '@meshtrail/observability';

/** Dead letters within this window... */
export const BURST_WINDOW_MS = 5 * 60_000;
/** ...from this many on are a burst: a producer or a schema went wrong, not one odd record. */
export const BURST_THRESHOLD = 100;

/**
 * The dead letters this process stored lately (by source topic), so a burst shows in health. One
 * per process, shared by its DeadLetterQueue and its health component.
 */
@Injectable()
export class DeadLetterBurstWatch {
  private readonly recent: Array<{ at: number; topic: string }> = [];

  record(topics: readonly string[], at: number): void {
    for (const topic of topics) this.recent.push({ at, topic });
    this.forget(at);
  }

  /** The burst within the window ending now, if there is one. */
  burst(now: number): HealthProblem | undefined {
    this.forget(now);
    if (this.recent.length < BURST_THRESHOLD) return undefined;
    const topics = [...new Set(this.recent.map((letter) => letter.topic))].sort();
    return {
      type: 'dead_letter_burst',
      severity: 'warning',
      since: new Date(this.recent[0].at).toISOString(),
      description: `${this.recent.length} records dead-lettered in ${BURST_WINDOW_MS / 60_000} min from ${topics.join(', ')}`,
    };
  }

  count(now: number): number {
    this.forget(now);
    return this.recent.length;
  }

  private forget(now: number): void {
    while (this.recent.length > 0 && this.recent[0].at <= now - BURST_WINDOW_MS) this.recent.shift();
  }
}

/**
 * The `dead_letters` health component: UP (records dead-lettered are handled: stored, replayable),
 * degraded with a dead_letter_burst problem while this process stored BURST_THRESHOLD or more
 * within BURST_WINDOW_MS. Never takes the service out of readiness: the consumers move on.
 */
@Injectable()
export class DeadLetterBurstIndicator implements HealthIndicator {
  readonly name = 'dead_letters';
  readonly readiness = false;

  constructor(private readonly watch: DeadLetterBurstWatch) {}

  check(): Promise<ComponentHealth> {
    const now = Date.now();
    const problem = this.watch.burst(now);
    return Promise.resolve({
      status: 'UP',
      details: {
        recent: this.watch.count(now),
        windowSeconds: BURST_WINDOW_MS / 1000,
        burstFrom: BURST_THRESHOLD,
        ...(problem ? { problem } : {}),
      },
    });
  }
}
