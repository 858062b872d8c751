import type { EventStats } from '../api/events-api';
import type { BarChartData } from './bar-chart';

/** An action as the Type select words it ("runs_requested" → "runs requested"). */
export function actionWords(action: string): string {
  return action.replace(/_/g, ' ');
}

/**
 * The "events per day by type" chart of a stats answer: a bar per UTC day, a segment per action,
 * its range in the title (the answer's `to` is exclusive: the title names the last day counted).
 */
function rangeOf(stats: EventStats): string {
  const days = stats.days.map((day) => day.day);
  return days.length === 0 ? 'no days' : days.length === 1 ? days[0] : `${days[0]} to ${days[days.length - 1]}`;
}

/**
 * What the page says with the chart: that nothing matched in its range (then instead of an empty
 * chart), and, without a Time filter, that the range is the API's default and the Time filter sets it.
 */
export function eventsChartNote(stats: EventStats, timeFiltered: boolean): { empty: boolean; note?: string } {
  const empty = stats.days.every((day) => day.total === 0);
  const elsewhere = timeFiltered ? '' : '; a range under Time charts other days';
  if (empty) return { empty, note: `No events match these filters from ${rangeOf(stats)} (UTC)${elsewhere}.` };
  return timeFiltered ? { empty } : { empty, note: `The last ${stats.days.length} days${elsewhere}.` };
}

export function eventsChartData(stats: EventStats): BarChartData {
  const days = stats.days.map((day) => day.day);
  return {
    title: `Events per day by type, ${rangeOf(stats)} (UTC)`,
    categoryLabel: 'Day',
    categories: days,
    valueLabel: 'Events',
    series: stats.actions.map((action) => ({
      name: actionWords(action),
      values: stats.days.map((day) => day.counts[action] ?? 0),
    })),
  };
}
