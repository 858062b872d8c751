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
export function eventsChartData(stats: EventStats): BarChartData {
  const days = stats.days.map((day) => day.day);
  const range = days.length === 0 ? 'no days' : days.length === 1 ? days[0] : `${days[0]} to ${days[days.length - 1]}`;
  return {
    title: `Events per day by type, ${range} (UTC)`,
    categoryLabel: 'Day',
    categories: days,
    valueLabel: 'Events',
    series: stats.actions.map((action) => ({
      name: actionWords(action),
      values: stats.days.map((day) => day.counts[action] ?? 0),
    })),
  };
}
