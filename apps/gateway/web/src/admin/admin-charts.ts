import type { BarChartData } from '../charts/bar-chart';
import { formatCount, formatRate, storeLabel } from './admin-format';

/** GET /api/v1/access-logs/stats. */
export interface AccessLogStats {
  from: string;
  to: string;
  bucket: 'hour';
  hours: Array<{ hour: string; requests: number; clientErrors: number; serverErrors: number; errorRate: number }>;
}

/**
 * The hours as the chart's axis can fit them: "08:00", with the day ("03-01 08:00") on the
 * first hour and at each midnight, so a day's hours read on from the day above them.
 */
export function hourCategories(hours: readonly string[]): string[] {
  return hours.map((iso, index) => {
    const match = /^\d{4}-(\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
    if (!match) return iso;
    return index === 0 || match[2] === '00:00' ? `${match[1]} ${match[2]}` : match[2];
  });
}

/** Requests per hour, stacked by how they ended (ok, 4xx, 5xx), the error rate as a column of the table. */
export function requestsPerHourChart(stats: AccessLogStats): BarChartData {
  return {
    title: 'Requests per hour (UTC)',
    categoryLabel: 'Hour (UTC)',
    categories: hourCategories(stats.hours.map((hour) => hour.hour)),
    valueLabel: 'Requests',
    series: [
      {
        name: 'OK',
        values: stats.hours.map((hour) => Math.max(0, hour.requests - hour.clientErrors - hour.serverErrors)),
      },
      { name: 'Client errors (4xx)', values: stats.hours.map((hour) => hour.clientErrors) },
      { name: 'Server errors (5xx)', values: stats.hours.map((hour) => hour.serverErrors) },
    ],
    extraColumns: [{ name: 'Error rate', values: stats.hours.map((hour) => formatRate(hour.errorRate)) }],
  };
}

/** A retention run as GET /api/v1/admin/retention/runs lists it (the fields the page uses). */
export interface RetentionRunView {
  runId: string;
  trigger: 'schedule' | 'demand';
  dryRun: boolean;
  requestedBy?: { kind: string; id: string; name: string };
  startedAt: string;
  finishedAt: string;
  status: 'succeeded' | 'failed';
  outcomes: Array<{ kind: string; rowsDeleted: number; error?: string }>;
  error?: string;
  /** The run's total over its stores (newer gateways); else summed here. */
  rowsDeleted?: number;
}

/** "03-01 08:00:05": runs can start in the same minute. */
export function runTime(iso: string): string {
  const match = /^\d{4}-(\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

export function runTotal(run: RetentionRunView): number {
  return run.rowsDeleted ?? run.outcomes.reduce((sum, outcome) => sum + outcome.rowsDeleted, 0);
}

/** The stores the runs name, in the order they first appear. */
function storesOf(runs: readonly RetentionRunView[]): string[] {
  const stores: string[] = [];
  for (const run of runs)
    for (const outcome of run.outcomes) if (!stores.includes(outcome.kind)) stores.push(outcome.kind);
  return stores;
}

/** Rows deleted per run (oldest left), stacked by store; a dry run counts what it would delete and says so. */
export function rowsDeletedChart(newestFirst: readonly RetentionRunView[]): BarChartData {
  const runs = [...newestFirst].reverse();
  const stores = storesOf(runs);
  return {
    title: 'Rows deleted per retention run',
    categoryLabel: 'Run',
    categories: runs.map((run) => `${runTime(run.startedAt)}${run.dryRun ? ' (dry)' : ''}`),
    valueLabel: 'Rows',
    series: stores.map((store) => ({
      name: storeLabel(store),
      values: runs.map((run) => run.outcomes.find((outcome) => outcome.kind === store)?.rowsDeleted ?? 0),
    })),
    extraColumns: [{ name: 'Status', values: runs.map((run) => run.status) }],
  };
}

/** "Audit events 3, Access logs 0". */
export function perStore(run: RetentionRunView): string {
  if (run.outcomes.length === 0) return '—';
  return run.outcomes.map((outcome) => `${storeLabel(outcome.kind)} ${formatCount(outcome.rowsDeleted)}`).join(', ');
}

/** One sentence on a recorded run: what it did, or would do, per store. */
export function runOutcome(run: RetentionRunView): string {
  const total = formatCount(runTotal(run));
  const verb = run.dryRun ? `would delete ${total} rows` : `deleted ${total} rows`;
  const status = run.status === 'succeeded' ? 'succeeded' : `failed (${run.error ?? 'see the run'})`;
  return `The ${run.dryRun ? 'dry run' : 'retention run'} ${status}: it ${verb} (${perStore(run)}).`;
}
