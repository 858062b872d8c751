import { Injectable } from '@nestjs/common';
import type { RetentionRun } from '@meshtrail/retention';

/** What this replica knows of the last run (any replica's), the last real one, and the next scheduled one. */
@Injectable()
export class RetentionStatus {
  lastRun?: RetentionRun;
  /** A dry run deletes nothing: whether expired data is gone is the last real run's to say. */
  lastRealRun?: RetentionRun;
  nextRun?: Date;

  /** Keeps the newer of what it knew and what it is told. */
  observe(run: RetentionRun | undefined): void {
    if (!run) return;
    if (newer(run, this.lastRun)) this.lastRun = run;
    if (!run.dryRun && newer(run, this.lastRealRun)) this.lastRealRun = run;
  }
}

function newer(run: RetentionRun, known: RetentionRun | undefined): boolean {
  return !known || run.finishedAt.getTime() >= known.finishedAt.getTime();
}
