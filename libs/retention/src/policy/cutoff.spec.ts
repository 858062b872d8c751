import { cutoffFor, monthStart } from './cutoff';

describe('cutoffFor', () => {
  it('goes back whole calendar months in UTC, keeping the time of day', () => {
    expect(cutoffFor(new Date('2026-05-17T03:04:05.006Z'), 12).toISOString()).toBe('2025-05-17T03:04:05.006Z');
    expect(cutoffFor(new Date('2026-01-10T00:00:00Z'), 2).toISOString()).toBe('2025-11-10T00:00:00.000Z');
    expect(cutoffFor(new Date('2026-05-17T00:00:00Z'), 60).toISOString()).toBe('2021-05-17T00:00:00.000Z');
  });

  it('clamps the day to the end of a shorter month, as PostgreSQL does', () => {
    expect(cutoffFor(new Date('2026-03-31T12:00:00Z'), 1).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(cutoffFor(new Date('2024-03-31T12:00:00Z'), 1).toISOString()).toBe('2024-02-29T12:00:00.000Z');
    expect(cutoffFor(new Date('2026-07-31T00:00:00Z'), 3).toISOString()).toBe('2026-04-30T00:00:00.000Z');
  });
});

describe('monthStart', () => {
  it('is the first instant of the UTC month, offset by whole months', () => {
    expect(monthStart(new Date('2026-05-17T23:59:59Z')).toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(monthStart(new Date('2026-12-31T23:59:59Z'), 1).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(monthStart(new Date('2026-01-15T00:00:00Z'), -1).toISOString()).toBe('2025-12-01T00:00:00.000Z');
  });
});
