import { Injectable } from '@nestjs/common';
import type { RetentionRun } from '@meshtrail/retention';

/** What this replica knows of the last run (any replica's) and of the next scheduled one. */
@Injectable()
export class RetentionStatus {
  lastRun?: RetentionRun;
  nextRun?: Date;

  /** Keeps the newer of what it knew and what it is told. */
  observe(run: RetentionRun | undefined): void {
    if (!run) return;
    if (!this.lastRun || run.finishedAt.getTime() >= this.lastRun.finishedAt.getTime()) this.lastRun = run;
  }
}
