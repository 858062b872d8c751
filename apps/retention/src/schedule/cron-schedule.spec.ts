import { CronSchedule, cronProblem } from './cron-schedule';

describe('CronSchedule', () => {
  const weekly = new CronSchedule('0 3 * * 0');

  it('reads five fields in UTC: Sundays at 03:00', () => {
    expect(weekly.next(new Date('2026-05-13T12:00:00Z'))).toEqual(new Date('2026-05-17T03:00:00Z'));
    expect(weekly.next(new Date('2026-05-17T03:00:00Z'))).toEqual(new Date('2026-05-24T03:00:00Z'));
  });

  it('finds the latest slot at or before an instant, for catching up a missed run', () => {
    expect(weekly.previous(new Date('2026-05-17T03:00:00Z'))).toEqual(new Date('2026-05-17T03:00:00Z'));
    expect(weekly.previous(new Date('2026-05-17T02:59:59Z'))).toEqual(new Date('2026-05-10T03:00:00Z'));
  });

  it('accepts names and steps', () => {
    expect(new CronSchedule('30 1 1-7 * MON').next(new Date('2026-06-01T00:00:00Z'))).toEqual(
      new Date('2026-06-01T01:30:00Z'),
    );
    expect(new CronSchedule('*/15 * * * *').next(new Date('2026-06-01T00:07:00Z'))).toEqual(
      new Date('2026-06-01T00:15:00Z'),
    );
  });
});

describe('cronProblem', () => {
  it('accepts a valid expression', () => {
    expect(cronProblem('0 3 * * 0')).toBeUndefined();
  });

  it('names what is wrong with an invalid one', () => {
    expect(cronProblem('61 * * * *')).toContain('minute');
    expect(cronProblem('0 3 * * 0 2026')).toContain('exactly 5 parts');
    expect(cronProblem('weekly')).toBeDefined();
    expect(cronProblem(7)).toBe('must be a cron expression');
  });
});
