import { ACTIONS } from '@meshtrail/contracts';
import { invalidParameter } from '../../common/invalid-parameter';
import type { FilterParams } from '../query/event-filter';
import type { TimeBounds } from '../query/time-range';

const DAY_MS = 86_400_000;
/** Days counted when the filter gives no start. */
export const DEFAULT_STATS_DAYS = 30;
/** The longest range one answer covers (a leap year). */
export const MAX_STATS_DAYS = 366;
/** Days are named YYYY-MM-DD: years 0001 to 9999 (PostgreSQL has no year 0). */
const FIRST_DAY = new Date('0001-01-01T00:00:00Z').getTime();
const END_OF_9999 = new Date('9999-12-31T00:00:00Z').getTime() + DAY_MS;

export interface DayCounts {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** Events per action of `actions`, zeros included. */
  counts: Record<string, number>;
  total: number;
}

export interface EventStats {
  from: string;
  to: string;
  bucket: 'day';
  /** Every action that occurs in the range: ACTIONS' order, then Keycloak's types alphabetically. */
  actions: string[];
  /** Every UTC day of [from, to), oldest first, zeros included. */
  days: DayCounts[];
}

const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const endOfDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;

/** The parameter that set the time range: `q` (its created: term), else `from` or `to`. */
function rangeParameter(params: FilterParams): string {
  if (params.q !== undefined && /(^|[\s(-])created:/i.test(params.q)) return 'q';
  if (params.from !== undefined) return 'from';
  if (params.to !== undefined) return 'to';
  return 'q';
}

/**
 * The whole UTC days a daily count covers: those the filter's time bounds touch; without an
 * end, through today; without a start, the DEFAULT_STATS_DAYS days before the end. More than
 * MAX_STATS_DAYS days is a 400 naming the parameter that set the range.
 */
export function statsRange(bounds: TimeBounds, params: FilterParams, now: Date): { from: Date; to: Date } {
  const to = bounds.to ? endOfDay(bounds.to.getTime()) : startOfDay(now.getTime()) + DAY_MS;
  const from = bounds.from ? startOfDay(bounds.from.getTime()) : to - DEFAULT_STATS_DAYS * DAY_MS;
  const parameter = rangeParameter(params);
  if (from < FIRST_DAY || to > END_OF_9999) {
    throw invalidParameter(parameter, 'the range must lie within the years 0001 to 9999');
  }
  if ((to - from) / DAY_MS > MAX_STATS_DAYS) {
    throw invalidParameter(
      parameter,
      `the range covers ${(to - from) / DAY_MS} days; at most ${MAX_STATS_DAYS} are counted at once`,
    );
  }
  // a start after the end (the list finds nothing there either) counts no day
  return { from: new Date(from), to: new Date(Math.max(from, to)) };
}

function actionOrder(actions: Iterable<string>): string[] {
  const known = ACTIONS as readonly string[];
  const rank = (action: string) => (known.includes(action) ? known.indexOf(action) : known.length);
  return [...new Set(actions)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The answer: every day of the range, each with a count per action that occurs anywhere in it. */
export function dailyStats(
  range: { from: Date; to: Date },
  rows: ReadonlyArray<{ day: string; action: string; events: string | number }>,
): EventStats {
  const actions = actionOrder(rows.map((row) => row.action));
  const byDay = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const day = byDay.get(row.day) ?? new Map<string, number>();
    day.set(row.action, (day.get(row.action) ?? 0) + Number(row.events));
    byDay.set(row.day, day);
  }
  const days: DayCounts[] = [];
  for (let at = range.from.getTime(); at < range.to.getTime(); at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    const found = byDay.get(day);
    const counts = Object.fromEntries(actions.map((action) => [action, found?.get(action) ?? 0]));
    days.push({ day, counts, total: Object.values(counts).reduce((sum, n) => sum + n, 0) });
  }
  return { from: range.from.toISOString(), to: range.to.toISOString(), bucket: 'day', actions, days };
}
