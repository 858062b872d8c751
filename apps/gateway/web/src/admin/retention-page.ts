import { ApiFailure, getJson, sendJson } from '../api/http';
import { renderBarChart } from '../charts/bar-chart';
import type { AdminPage, ViewContext } from '../pages/view-context';
import { h } from '../views/dom';
import { formatTime } from '../views/format';
import { perStore, rowsDeletedChart, runOutcome, runTotal, type RetentionRunView } from './admin-charts';
import { actorName, formatCount } from './admin-format';
import { button, confirm, dataTable, Feedback, setRows, wrapTable } from './admin-kit';

const RUNS_SHOWN = 20;
/** How long the page waits for the retention service to record a requested run. */
const RESULT_DEADLINE_MS = 90_000;
const POLL_MS = 1000;

function runKind(run: RetentionRunView): string {
  return `${run.dryRun ? 'Dry run' : 'Real run'}, ${run.trigger === 'demand' ? 'on demand' : 'scheduled'}`;
}

/**
 * Retention: the recent runs (scheduled and on demand, real and dry) with what they deleted per
 * store, and runs on demand. A run is a command to the retention service; the page polls its
 * address until the service has recorded it, up to a deadline.
 */
function render(container: HTMLElement, context: ViewContext): void {
  const feedback = new Feedback(context);
  const dry = button('Dry run now');
  const real = button('Run retention now', { class: 'danger' });
  const result = h('div', { class: 'run-result', tabindex: '-1' });
  const chart = h('div', { class: 'admin-chart' });
  const table = dataTable('retention-runs', `Recent retention runs (up to ${RUNS_SHOWN}), newest first`, [
    { label: 'Started (UTC)' },
    { label: 'Kind' },
    { label: 'Requested by' },
    { label: 'Rows deleted per store' },
    { label: 'Rows deleted', numeric: true },
    { label: 'Status' },
  ]);
  container.append(
    h(
      'p',
      { class: 'lead' },
      'Retention deletes what is older than each store’s period, except the workspaces under a legal hold. A dry run counts what a run would delete and changes nothing.',
    ),
    h('div', { class: 'actions' }, dry, real),
    feedback.status,
    feedback.error,
    result,
    chart,
    wrapTable(table),
  );

  async function loadRuns(): Promise<void> {
    const token = feedback.token();
    if (!token) return;
    try {
      const { runs } = await getJson<{ runs: RetentionRunView[] }>('/api/v1/admin/retention/runs', token, {
        limit: RUNS_SHOWN,
      });
      setRows(
        table,
        runs.map((run) => [
          h('time', { datetime: run.startedAt }, formatTime(run.startedAt)),
          runKind(run),
          run.requestedBy ? actorName(run.requestedBy) : 'the schedule',
          perStore(run),
          { text: formatCount(runTotal(run)), numeric: true },
          run.status === 'succeeded' ? 'Succeeded' : `Failed: ${run.error ?? ''}`,
        ]),
        'No retention runs are recorded yet.',
      );
      chart.replaceChildren(renderBarChart(rowsDeletedChart(runs)));
    } catch (failure) {
      feedback.failed(failure, 'Loading the retention runs');
    }
  }

  /** Polls the run's address until it is recorded, or the deadline passes. */
  async function awaitRun(path: string, token: () => string | undefined): Promise<RetentionRunView | undefined> {
    const deadline = Date.now() + RESULT_DEADLINE_MS;
    while (Date.now() < deadline) {
      const current = token();
      if (!current) return undefined;
      try {
        return await getJson<RetentionRunView>(path, current);
      } catch (failure) {
        if (!(failure instanceof ApiFailure && failure.code === 'RETENTION.RUN_PENDING')) throw failure;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return undefined;
  }

  async function requestRun(dryRun: boolean): Promise<void> {
    const token = feedback.token();
    if (!token) return;
    feedback.clear();
    result.replaceChildren();
    dry.disabled = real.disabled = true;
    const what = dryRun ? 'dry run' : 'retention run';
    try {
      feedback.say(`Requesting a ${what}…`);
      const answer = await sendJson<{ runId: string; result: string }>('POST', '/api/v1/admin/retention/runs', token, {
        dryRun,
      });
      feedback.say(`The ${what} was requested (run ${answer.runId}); waiting for the retention service to record it…`);
      const run = await awaitRun(answer.result, () => context.token());
      if (!run) {
        result.replaceChildren(
          h(
            'p',
            { class: 'error' },
            `The ${what} ${answer.runId} was not recorded within ${RESULT_DEADLINE_MS / 1000} seconds. The retention service may be down or busy; it runs the request when it is back, and the run then appears below.`,
          ),
        );
        feedback.say('');
      } else {
        feedback.say(`The ${what} was recorded; its result is below.`);
        result.replaceChildren(h('p', { id: 'run-outcome', 'data-run-id': run.runId }, runOutcome(run)));
      }
      result.focus();
      await loadRuns();
    } catch (failure) {
      feedback.failed(failure, `Requesting a ${what}`);
    } finally {
      dry.disabled = real.disabled = false;
    }
  }

  dry.addEventListener('click', () => void requestRun(true));
  real.addEventListener('click', () => {
    void confirm(context, {
      title: 'Run retention now?',
      message:
        'A real run deletes every row older than its store’s retention period, except in workspaces under a legal hold. This cannot be undone.',
      confirmLabel: 'Delete expired data now',
      action: async () => {},
      focusAfter: () => real,
    }).then((confirmed) => {
      if (confirmed) void requestRun(false);
    });
  });
  void loadRuns();
}

export const retentionPage: AdminPage = { path: 'retention', title: 'Retention', render };
