/**
 * RFC 3339 date-time (section 5.6) with a zone: `T`/`t`, `Z`/`z`, one to nine fraction digits.
 * Its shape only: the ranges and the calendar are parseRfc3339's.
 */
export const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** The oldest time the validators accept unless configured otherwise (see the README's limits). */
export const DEFAULT_OLDEST_EVENT_TIME = '2000-01-01T00:00:00Z';

/**
 * The times a `Date` can take to PostgreSQL: timestamptz itself reaches from 4713 BC to 294276 AD,
 * but Date#toISOString (which pg and the COPY rows use) writes six-digit years outside 0001–9999,
 * and PostgreSQL reads neither those nor the year 0000.
 */
export const STORABLE_TIME_MIN_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
export const STORABLE_TIME_MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export type TimeParse = { ok: true; ms: number } | { ok: false; reason: string };

const bad = (reason: string): TimeParse => ({ ok: false, reason });

/**
 * Reads an RFC 3339 timestamp strictly: every field in its range and the date in the calendar
 * (`new Date()` rolls 2026-02-30 over into March; PostgreSQL refuses it). A leap second,
 * 23:59:60 UTC, is the next day's first second, as PostgreSQL reads it. Milliseconds since the
 * epoch (further fraction digits are dropped, as a Date would).
 */
export function parseRfc3339(text: string): TimeParse {
  const m = RFC3339.exec(text);
  if (!m) return bad('is not an RFC 3339 timestamp with a time zone, such as 2026-11-23T10:15:00Z');
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12) return bad(`has no month ${m[2]} (01 to 12)`);
  if (day < 1 || day > daysInMonth(year, month)) return bad(`has no day ${m[3]} in ${m[1]}-${m[2]}`);
  if (hour > 23) return bad(`has no hour ${m[4]} (00 to 23)`);
  if (minute > 59) return bad(`has no minute ${m[5]} (00 to 59)`);
  if (second > 60) return bad(`has no second ${m[6]} (00 to 59, or 60 for a leap second)`);
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMins = Number(m[10]);
    if (offsetHours > 23 || offsetMins > 59) return bad(`has no time zone offset ${m[8]}${m[9]}:${m[10]}`);
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let ms =
    daysFromCivil(year, month, day) * DAY_MS +
    ((hour * 60 + minute - offsetMinutes) * 60 + Math.min(second, 59)) * 1000 +
    millis;
  if (second === 60) {
    // only the last second of a UTC day can be a leap second
    if ((((ms - millis) % DAY_MS) + DAY_MS) % DAY_MS !== DAY_MS - 1000) {
      return bad('has second 60, which only the last minute of a UTC day (23:59:60Z) can have');
    }
    ms += 1000;
  }
  return { ok: true, ms };
}

/** Which times are accepted: not before `oldest`, not more than `maxFutureSkewMs` after `now`. */
export interface TimeWindow {
  now: Date;
  oldest: Date;
  maxFutureSkewMs: number;
}

export type TimeWindowProblem = { kind: 'PAST' | 'FUTURE'; message: string };

/** An instant as ISO 8601 text, whatever the number (a message must never throw). */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/**
 * Whether an instant lies in the window and within what PostgreSQL stores; undefined when it does.
 * Written so that an invalid window (a NaN clock) refuses rather than accepts.
 */
export function timeWindowProblem(ms: number, window: TimeWindow): TimeWindowProblem | undefined {
  const oldest = Math.max(window.oldest.getTime(), STORABLE_TIME_MIN_MS);
  const newest = Math.min(window.now.getTime() + window.maxFutureSkewMs, STORABLE_TIME_MAX_MS);
  if (!(ms >= oldest)) {
    return { kind: 'PAST', message: `is before ${isoTime(oldest)}, the oldest time accepted` };
  }
  if (!(ms <= newest)) {
    return {
      kind: 'FUTURE',
      message: `is more than ${Math.round(window.maxFutureSkewMs / 1000)} s ahead of the clock (${isoTime(window.now.getTime())})`,
    };
  }
  return undefined;
}
