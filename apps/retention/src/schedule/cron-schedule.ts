import { Cron } from 'croner';

/** A five-field cron expression (minute hour day-of-month month day-of-week), read in UTC. */
export class CronSchedule {
  private readonly cron: Cron;

  constructor(readonly expression: string) {
    this.cron = new Cron(expression, { timezone: 'UTC', mode: '5-part', paused: true });
  }

  /** The first slot strictly after `after`, or undefined when the expression never fires again. */
  next(after: Date): Date | undefined {
    return this.cron.nextRun(after) ?? undefined;
  }

  /** The latest slot at or before `at`, or undefined when there was none. */
  previous(at: Date): Date | undefined {
    return this.cron.previousRuns(1, new Date(at.getTime() + 1))[0];
  }
}

/** Why an expression is not a usable schedule, or undefined when it is. */
export function cronProblem(expression: unknown): string | undefined {
  if (typeof expression !== 'string') return 'must be a cron expression';
  try {
    const schedule = new CronSchedule(expression);
    if (!schedule.next(new Date())) return 'never fires';
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, '');
  }
}
