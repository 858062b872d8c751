import { intersectBounds, parseCreatedExpression, parseInstantRange } from './time-range';

const d = (iso: string) => new Date(iso);

describe('parseInstantRange', () => {
  it('reads a date as the whole UTC day', () => {
    expect(parseInstantRange('2026-01-31')).toEqual({
      start: d('2026-01-31T00:00:00Z'),
      end: d('2026-02-01T00:00:00Z'),
    });
  });

  it('reads date-times with and without offset (UTC when none) to the millisecond', () => {
    expect(parseInstantRange('2026-01-31T10:15:00Z')?.start).toEqual(d('2026-01-31T10:15:00Z'));
    expect(parseInstantRange('2026-01-31T10:15')?.start).toEqual(d('2026-01-31T10:15:00Z'));
    expect(parseInstantRange('2026-01-31T10:15:00+02:00')?.start).toEqual(d('2026-01-31T08:15:00Z'));
    expect(parseInstantRange('2026-01-31T10:15:00.123456Z')).toEqual({
      start: d('2026-01-31T10:15:00.123Z'),
      end: d('2026-01-31T10:15:00.124Z'),
    });
  });

  it.each([
    '2026-02-30',
    '2026-13-01',
    '26-01-01',
    '2026-01-01T25:00Z',
    'yesterday',
    '2026-01-01 10:00',
    "2026-01-01' OR '1'='1",
    '',
  ])('refuses %j', (text) => expect(parseInstantRange(text)).toBeUndefined());
});

describe('parseCreatedExpression', () => {
  it.each([
    ['>=2026-01-01', { from: d('2026-01-01T00:00:00Z') }],
    ['>2026-01-01', { from: d('2026-01-02T00:00:00Z') }],
    ['<=2026-01-31', { to: d('2026-02-01T00:00:00Z') }],
    ['<2026-01-31', { to: d('2026-01-31T00:00:00Z') }],
    ['2026-01-15', { from: d('2026-01-15T00:00:00Z'), to: d('2026-01-16T00:00:00Z') }],
    ['2026-01-01..2026-01-31', { from: d('2026-01-01T00:00:00Z'), to: d('2026-02-01T00:00:00Z') }],
    ['2026-01-01..*', { from: d('2026-01-01T00:00:00Z'), to: undefined }],
    ['*..2026-01-31T12:00:00Z', { from: undefined, to: d('2026-01-31T12:00:00.001Z') }],
  ])('%s', (expression, expected) => expect(parseCreatedExpression(expression)).toEqual(expected));

  it('explains what is wrong with a bad expression', () => {
    expect(parseCreatedExpression('>=last-week')).toBe('"last-week" is not an ISO 8601 date or date-time');
    expect(parseCreatedExpression('2026-01-01..soon')).toBe('"2026-01-01..soon" is not a range of ISO 8601 dates');
  });
});

describe('intersectBounds', () => {
  it('keeps the later start and the earlier end', () => {
    expect(
      intersectBounds({ from: d('2026-01-01'), to: d('2026-03-01') }, { from: d('2026-02-01'), to: d('2026-04-01') }),
    ).toEqual({ from: d('2026-02-01'), to: d('2026-03-01') });
    expect(intersectBounds({}, { to: d('2026-04-01') })).toEqual({ from: undefined, to: d('2026-04-01') });
  });
});
