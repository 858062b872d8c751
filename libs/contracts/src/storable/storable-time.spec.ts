import fc from 'fast-check';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import {
  STORABLE_TIME_MAX_MS,
  STORABLE_TIME_MIN_MS,
  isoTime,
  parseRfc3339,
  timeWindowProblem,
  type TimeWindow,
} from './storable-time';

const ms = (text: string) => {
  const parsed = parseRfc3339(text);
  if (!parsed.ok) throw new Error(`${text} ${parsed.reason}`);
  return parsed.ms;
};
const reason = (text: string) => {
  const parsed = parseRfc3339(text);
  return parsed.ok ? undefined : parsed.reason;
};

describe('parseRfc3339', () => {
  it('reads RFC 3339 timestamps with zones and fractions, as Date.parse does', () => {
    for (const text of [
      '2026-11-23T10:15:00Z',
      '2026-11-23t10:15:00z',
      '2026-11-23T10:15:00.5+01:00',
      '2026-11-23T10:15:00.123456789-05:30',
      '2024-02-29T23:59:59.999Z',
      '2000-02-29T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect({ text, ms: ms(text) }).toEqual({ text, ms: Date.parse(text.toUpperCase()) });
    }
  });

  it.each([
    ['2026-02-30T00:00:00Z', 'has no day 30 in 2026-02'],
    ['2026-02-29T00:00:00Z', 'has no day 29 in 2026-02'],
    ['1900-02-29T00:00:00Z', 'has no day 29 in 1900-02'],
    ['2026-04-31T00:00:00Z', 'has no day 31 in 2026-04'],
    ['2026-01-00T00:00:00Z', 'has no day 00 in 2026-01'],
    ['2026-13-01T00:00:00Z', 'has no month 13'],
    ['2026-00-01T00:00:00Z', 'has no month 00'],
    ['2026-01-01T24:00:00Z', 'has no hour 24'],
    ['2026-01-01T23:60:00Z', 'has no minute 60'],
    ['2026-01-01T23:59:61Z', 'has no second 61'],
    ['2026-01-01T10:15:60Z', 'only the last minute of a UTC day'],
    ['2026-01-01T00:00:00+24:00', 'has no time zone offset +24:00'],
    ['2026-01-01T00:00:00+05:60', 'has no time zone offset +05:60'],
    ['2026-01-01 00:00:00Z', 'is not an RFC 3339 timestamp'],
    ['2026-01-01T00:00:00', 'is not an RFC 3339 timestamp'],
    ['2026-01-01T00:00:00.Z', 'is not an RFC 3339 timestamp'],
    ['2026-01-01T00:00:00.1234567890Z', 'is not an RFC 3339 timestamp'],
    ['+010000-01-01T00:00:00.000Z', 'is not an RFC 3339 timestamp'],
    ['Invalid Date', 'is not an RFC 3339 timestamp'],
  ])('refuses %s: %s', (text, expected) => {
    expect(reason(text)).toContain(expected);
  });

  it('reads the leap second 23:59:60 UTC as the next day’s first second, as PostgreSQL does', () => {
    expect(ms('2016-12-31T23:59:60Z')).toBe(Date.parse('2017-01-01T00:00:00Z'));
    expect(ms('2017-01-01T00:59:60.5+01:00')).toBe(Date.parse('2017-01-01T00:00:00.5Z'));
  });

  it('reads the year 0000 (1 BC), which the window then refuses', () => {
    expect(ms('0000-01-01T00:00:00Z')).toBe(Date.parse('0000-01-01T00:00:00Z'));
    expect(ms('0000-01-01T00:00:00Z')).toBeLessThan(STORABLE_TIME_MIN_MS);
  });

  it('property: agrees with Date for every instant from 0001 to 9999, and never throws', () => {
    const seed = propertySeed('parseRfc3339');
    const instant = fc.integer({ min: STORABLE_TIME_MIN_MS, max: STORABLE_TIME_MAX_MS });
    fc.assert(
      fc.property(instant, (t) => ms(new Date(t).toISOString()) === t),
      { seed, verbose: true },
    );
    // any text: a result or a reason, never an exception; a result always has a four-digit year
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
        const parsed = parseRfc3339(text);
        return !parsed.ok || Math.abs(parsed.ms) < 300_000_000_000_000;
      }),
      { seed, verbose: true },
    );
    // calendar-valid fields parse to what Date.UTC computes; invalid days never parse
    const fields = fc.record({
      year: fc.integer({ min: 1, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
    });
    fc.assert(
      fc.property(fields, ({ year, month, day }) => {
        const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`;
        const date = new Date(0);
        date.setUTCFullYear(year, month - 1, day);
        date.setUTCHours(12, 0, 0, 0);
        const rolledOver = date.getUTCDate() !== day;
        const parsed = parseRfc3339(text);
        return rolledOver ? !parsed.ok : parsed.ok && parsed.ms === date.getTime();
      }),
      { seed, verbose: true },
    );
  });
});

describe('timeWindowProblem', () => {
  const window: TimeWindow = {
    now: new Date('2026-11-23T12:00:00Z'),
    oldest: new Date('2000-01-01T00:00:00Z'),
    maxFutureSkewMs: 300_000,
  };

  it('accepts from the oldest time to the skew ahead of now, both included', () => {
    expect(timeWindowProblem(Date.parse('2000-01-01T00:00:00Z'), window)).toBeUndefined();
    expect(timeWindowProblem(Date.parse('2026-11-23T12:05:00Z'), window)).toBeUndefined();
  });

  it('refuses what is older, or further ahead, saying which', () => {
    expect(timeWindowProblem(Date.parse('1999-12-31T23:59:59.999Z'), window)).toEqual({
      kind: 'PAST',
      message: 'is before 2000-01-01T00:00:00.000Z, the oldest time accepted',
    });
    expect(timeWindowProblem(Date.parse('2026-11-23T12:05:00.001Z'), window)).toEqual({
      kind: 'FUTURE',
      message: 'is more than 300 s ahead of the clock (2026-11-23T12:00:00.000Z)',
    });
  });

  it('never reaches beyond what PostgreSQL stores, whatever the window says', () => {
    const wide: TimeWindow = { now: new Date(8.64e15), oldest: new Date(-8.64e15), maxFutureSkewMs: 0 };
    expect(timeWindowProblem(STORABLE_TIME_MIN_MS - 1, wide)?.kind).toBe('PAST');
    expect(timeWindowProblem(STORABLE_TIME_MAX_MS + 1, wide)?.kind).toBe('FUTURE');
    expect(timeWindowProblem(STORABLE_TIME_MAX_MS, wide)).toBeUndefined();
  });

  it('refuses everything when the window itself is not a time (and does not throw)', () => {
    const broken: TimeWindow = { now: new Date(NaN), oldest: new Date(NaN), maxFutureSkewMs: 300_000 };
    expect(timeWindowProblem(Date.now(), broken)?.kind).toBe('PAST');
    expect(timeWindowProblem(NaN, window)?.kind).toBe('PAST');
    expect(isoTime(NaN)).toBe('NaN');
  });
});
