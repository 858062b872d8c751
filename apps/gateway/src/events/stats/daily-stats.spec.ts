import { ApiError } from '@meshtrail/auth';
import { dailyStats, statsRange } from './daily-stats';

const now = new Date('2026-03-10T15:00:00Z');
const at = (iso: string) => new Date(iso);

describe('statsRange', () => {
  it('covers the whole UTC days the bounds touch', () => {
    expect(
      statsRange({ from: at('2026-03-01T05:00:00Z'), to: at('2026-03-03T00:00:01Z') }, { q: 'created:x' }, now),
    ).toEqual({
      from: at('2026-03-01T00:00:00Z'),
      to: at('2026-03-04T00:00:00Z'),
    });
  });

  it('is the 30 days through today without bounds, and 30 days before a given end', () => {
    expect(statsRange({}, {}, now)).toEqual({ from: at('2026-02-09T00:00:00Z'), to: at('2026-03-11T00:00:00Z') });
    expect(statsRange({ to: at('2026-01-01T00:00:00Z') }, { to: '2026-01-01' }, now).from).toEqual(
      at('2025-12-02T00:00:00Z'),
    );
  });

  it('runs through today from a start alone', () => {
    expect(statsRange({ from: at('2026-03-09T10:00:00Z') }, { from: '2026-03-09T10:00' }, now)).toEqual({
      from: at('2026-03-09T00:00:00Z'),
      to: at('2026-03-11T00:00:00Z'),
    });
  });

  it('refuses more than 366 days, naming q when its created: term set the range, else from or to', () => {
    const long = { from: at('2025-01-01T00:00:00Z'), to: at('2026-01-03T00:00:00Z') };
    const parameterOf = (params: Record<string, string>) => {
      try {
        statsRange(long, params, now);
      } catch (error) {
        return ((error as ApiError).getResponse() as { parameter: string }).parameter;
      }
      return 'accepted';
    };
    expect(parameterOf({ q: 'action:deleted created:>=2025-01-01' })).toBe('q');
    expect(parameterOf({ q: 'action:deleted', from: '2025-01-01' })).toBe('from');
    expect(parameterOf({ to: '2026-01-03' })).toBe('to');
    expect(statsRange({ from: at('2024-01-01T00:00:00Z'), to: at('2025-01-01T00:00:00Z') }, {}, now)).toBeDefined();
  });

  it('refuses a range reaching before year 1', () => {
    expect(() => statsRange({ to: at('0001-01-10T00:00:00Z') }, { q: 'created:<0001-01-10' }, now)).toThrow(/years/);
  });

  it('counts no day when the start is after the end', () => {
    const range = statsRange({ from: at('2026-03-05T00:00:00Z'), to: at('2026-03-02T00:00:00Z') }, {}, now);
    expect(dailyStats(range, []).days).toEqual([]);
  });
});

describe('dailyStats', () => {
  it('has every day, every action that occurs on each day (zeros too), actions in the vocabulary’s order', () => {
    const stats = dailyStats({ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-04T00:00:00Z') }, [
      { day: '2026-03-03', action: 'login', events: '2' },
      { day: '2026-03-03', action: 'deleted', events: '1' },
      { day: '2026-03-01', action: 'created', events: '5' },
      { day: '2026-03-03', action: 'created', events: 1 },
      { day: '2026-03-03', action: 'admin_update', events: '4' },
    ]);
    expect(stats).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-04T00:00:00.000Z',
      bucket: 'day',
      actions: ['created', 'deleted', 'admin_update', 'login'],
      days: [
        { day: '2026-03-01', counts: { created: 5, deleted: 0, admin_update: 0, login: 0 }, total: 5 },
        { day: '2026-03-02', counts: { created: 0, deleted: 0, admin_update: 0, login: 0 }, total: 0 },
        { day: '2026-03-03', counts: { created: 1, deleted: 1, admin_update: 4, login: 2 }, total: 8 },
      ],
    });
  });
});
