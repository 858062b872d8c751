/** An instant or a whole day as a half-open range [start, end). */
export interface InstantRange {
  start: Date;
  end: Date;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/;
const DAY_MS = 86_400_000;

/**
 * Parses an ISO 8601 date (the whole UTC day) or date-time (to the millisecond; UTC when no
 * offset is given). Undefined for anything else, including impossible dates like 2026-02-30.
 */
export function parseInstantRange(text: string): InstantRange | undefined {
  const date = DATE.exec(text);
  if (date) {
    const start = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3]));
    if (start.toISOString().slice(0, 10) !== text) return undefined;
    return { start, end: new Date(start.getTime() + DAY_MS) };
  }
  const dateTime = DATE_TIME.exec(text);
  if (!dateTime) return undefined;
  const [, y, mo, d, h, mi, s = '00', fraction = '', zone = 'Z'] = dateTime;
  const day = new Date(Date.UTC(+y, +mo - 1, +d));
  if (day.toISOString().slice(0, 10) !== `${y}-${mo}-${d}` || +h > 23 || +mi > 59 || +s > 59) return undefined;
  const millis = fraction ? fraction.slice(1).padEnd(3, '0').slice(0, 3) : '000';
  const start = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${millis}${zone}`);
  if (Number.isNaN(start.getTime())) return undefined;
  return { start, end: new Date(start.getTime() + 1) };
}

/** A bound on the event time: occurred_at >= from and occurred_at < to. */
export interface TimeBounds {
  from?: Date;
  to?: Date;
}

/**
 * The `created:` qualifier: `>=X`, `>X`, `<=X`, `<X`, `X..Y` (both inclusive, `*` open), or `X`
 * (that day, or that instant). X is a date or date-time; a date stands for the whole day.
 */
export function parseCreatedExpression(expression: string): TimeBounds | string {
  const range = /^(.+?)\.\.(.+)$/.exec(expression);
  if (range) {
    const [, low, high] = range;
    const from = low === '*' ? undefined : parseInstantRange(low);
    const to = high === '*' ? undefined : parseInstantRange(high);
    if ((low !== '*' && !from) || (high !== '*' && !to)) return `"${expression}" is not a range of ISO 8601 dates`;
    return { from: from?.start, to: to?.end };
  }
  const comparison = /^(>=|<=|>|<)?(.+)$/.exec(expression)!;
  const [, operator, value] = comparison;
  const instant = parseInstantRange(value);
  if (!instant) return `"${value}" is not an ISO 8601 date or date-time`;
  switch (operator) {
    case '>=':
      return { from: instant.start };
    case '>':
      return { from: instant.end };
    case '<=':
      return { to: instant.end };
    case '<':
      return { to: instant.start };
    default:
      return { from: instant.start, to: instant.end };
  }
}

/** Both bounds at once: the later start and the earlier end. */
export function intersectBounds(a: TimeBounds, b: TimeBounds): TimeBounds {
  const later = (x?: Date, y?: Date) => (!x ? y : !y ? x : x > y ? x : y);
  const earlier = (x?: Date, y?: Date) => (!x ? y : !y ? x : x < y ? x : y);
  return { from: later(a.from, b.from), to: earlier(a.to, b.to) };
}
