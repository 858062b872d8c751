import { BURST_THRESHOLD, BURST_WINDOW_MS, DeadLetterBurstWatch } from './dead-letter-burst';

describe('DeadLetterBurstWatch', () => {
  const start = Date.parse('2026-12-05T12:00:00Z');

  it('is no burst below the threshold within the window', () => {
    const watch = new DeadLetterBurstWatch();
    watch.record(Array<string>(BURST_THRESHOLD - 1).fill('audit.events.v1'), start);
    expect(watch.burst(start + 1000)).toBeUndefined();
  });

  it('is a burst from the threshold on, naming when it began and the source topics, and ends with the window', () => {
    const watch = new DeadLetterBurstWatch();
    watch.record(Array<string>(BURST_THRESHOLD - 10).fill('audit.events.v1'), start);
    watch.record(Array<string>(10).fill('access-logs.v1'), start + 60_000);
    expect(watch.burst(start + 120_000)).toEqual({
      type: 'dead_letter_burst',
      severity: 'warning',
      since: '2026-12-05T12:00:00.000Z',
      description: `${BURST_THRESHOLD} records dead-lettered in 5 min from access-logs.v1, audit.events.v1`,
    });
    // the first ones leave the window: 10 remain
    expect(watch.burst(start + BURST_WINDOW_MS + 1)).toBeUndefined();
    expect(watch.count(start + BURST_WINDOW_MS + 1)).toBe(10);
  });
});
