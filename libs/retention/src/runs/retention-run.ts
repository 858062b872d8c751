import type { StoreOutcome } from '../execution/store-outcome';
import type { HoldActor } from '../legal-hold/legal-hold';

export type RunTrigger = 'schedule' | 'demand';

/** One retention run, real or dry, as recorded in retention_runs. */
export interface RetentionRun {
  readonly runId: string;
  readonly trigger: RunTrigger;
  /** The schedule's slot this run enforced (scheduled runs only). */
  readonly scheduledFor?: Date;
  readonly dryRun: boolean;
  /** Who asked for an on-demand run. */
  readonly requestedBy?: HoldActor;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly status: 'succeeded' | 'failed';
  readonly outcomes: readonly StoreOutcome[];
  readonly error?: string;
}

export function totalRowsDeleted(outcomes: readonly StoreOutcome[]): number {
  return outcomes.reduce((sum, outcome) => sum + outcome.rowsDeleted, 0);
}

export function totalPartitionsDropped(outcomes: readonly StoreOutcome[]): number {
  return outcomes.reduce((sum, outcome) => sum + outcome.partitionsDropped.length, 0);
}
