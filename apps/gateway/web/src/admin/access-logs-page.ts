import { getBlob, getJson } from '../api/http';
import { renderBarChart } from '../charts/bar-chart';
import type { AdminPage, ViewContext } from '../pages/view-context';
import { h } from '../views/dom';
import { formatTime } from '../views/format';
import { requestsPerHourChart, type AccessLogStats } from './admin-charts';
import { button, dataTable, download, Feedback, field, input, wrapTable, type Control } from './admin-kit';
import { ACCESS_LOG_FIELDS, accessLogParams, type AccessLogForm } from './admin-params';
import { pagedTable, searchActions } from './paged-table';

const PAGE_SIZE = 50;

/** What the page reads of an access record (libs/contracts' AccessLogRecord, whose module needs Node's types). */
interface AccessLogRecord {
  id: string;
  time: string;
  service: string;
  remoteIp: string;
  status: number;
  method: string;
  path: string;
  principal: string | null;
  userAgent: string | null;
  accept: string | null;
  durationMs: number;
}

interface AccessLogPage {
  items: AccessLogRecord[];
  nextCursor: string | null;
}

const EXPORTS = {
  csv: { label: 'Export CSV', accept: 'text/csv' },
  ndjson: { label: 'Export NDJSON', accept: 'application/x-ndjson' },
} as const;

/**
 * Access Logs: the gateway's API access records searched by time, status, method, path,
 * principal and address, page by page; the same filter exported (CSV, NDJSON) and counted per hour.
 */
function render(container: HTMLElement, context: ViewContext): void {
  const controls = {} as Record<keyof AccessLogForm, HTMLInputElement>;
  for (const { name } of ACCESS_LOG_FIELDS) {
    const time = name === 'from' || name === 'to';
    controls[name] = input(`access-${name}`, name, time ? { type: 'datetime-local', step: '60' } : { type: 'search' });
  }
  const feedback = new Feedback(context, controls as Record<string, Control>);
  const form = h(
    'form',
    { class: 'admin-form', role: 'search', 'aria-label': 'Filter access logs', novalidate: '' },
    h(
      'div',
      { class: 'admin-fields' },
      ...ACCESS_LOG_FIELDS.map(({ name, label, hint }) => field(controls[name], label, hint)),
    ),
  );
  form.append(searchActions(form, Object.values(controls), search));
  const exportButtons = (Object.keys(EXPORTS) as Array<keyof typeof EXPORTS>).map((format) => {
    const exporter = button(EXPORTS[format].label);
    exporter.addEventListener('click', () => void exportAs(format));
    return exporter;
  });
  const chart = h('div', { class: 'admin-chart', 'aria-busy': 'false' });
  const table = dataTable('access-log-table', 'Access records, newest first', [
    { label: 'Time (UTC)' },
    { label: 'Method' },
    { label: 'Path' },
    { label: 'Status', numeric: true },
    { label: 'Principal' },
    { label: 'Remote address' },
    { label: 'Agent' },
    { label: 'Accept' },
    { label: 'Duration (ms)', numeric: true },
    { label: 'Service' },
  ]);
  let params = accessLogParams(readForm());
  const records = pagedTable<AccessLogRecord>({
    table,
    feedback,
    fetch: async (token, cursor) => {
      const page = await getJson<AccessLogPage>('/api/v1/access-logs', token, { ...params, limit: PAGE_SIZE, cursor });
      return { items: page.items, nextCursor: page.nextCursor };
    },
    row: (record) => [
      h('time', { datetime: record.time }, formatTime(record.time)),
      record.method,
      record.path,
      { text: String(record.status), numeric: true },
      record.principal ?? '—',
      record.remoteIp,
      record.userAgent ?? '—',
      record.accept ?? '—',
      { text: String(record.durationMs), numeric: true },
      record.service,
    ],
    noun: ['access record', 'access records'],
    empty: 'No access records match these filters.',
    what: 'Searching the access logs',
  });
  container.append(
    h('p', { class: 'lead' }, 'Who called the API, when, and how it ended. Times are UTC.'),
    form,
    h('div', { class: 'actions' }, ...exportButtons),
    feedback.status,
    feedback.error,
    chart,
    wrapTable(table),
    records.nav,
  );

  function readForm(): AccessLogForm {
    const form = {} as AccessLogForm;
    for (const { name } of ACCESS_LOG_FIELDS) form[name] = controls[name].value;
    return form;
  }

  async function loadChart(): Promise<void> {
    const token = context.token();
    if (!token) return;
    chart.setAttribute('aria-busy', 'true');
    try {
      const stats = await getJson<AccessLogStats>('/api/v1/access-logs/stats', token, params);
      chart.replaceChildren(renderBarChart(requestsPerHourChart(stats)));
    } catch (failure) {
      // the table's request reports the filter's problems at their fields; the chart only says it is missing
      chart.replaceChildren(h('p', { class: 'error' }, `The chart could not be drawn: ${(failure as Error).message}`));
    }
    chart.setAttribute('aria-busy', 'false');
  }

  function search(): void {
    params = accessLogParams(readForm());
    records.restart();
    void loadChart();
  }

  async function exportAs(format: keyof typeof EXPORTS): Promise<void> {
    const token = feedback.token();
    if (!token) return;
    feedback.clear();
    feedback.say(`Exporting as ${format.toUpperCase()}…`);
    try {
      const file = await getBlob('/api/v1/access-logs/export', token, { ...params, format }, EXPORTS[format].accept);
      download(file, `meshtrail-access-logs-${new Date().toISOString().replace(/[:.]/g, '-')}.${format}`);
      feedback.say(`Exported the access records of this search (${file.size} bytes of ${format.toUpperCase()}).`);
    } catch (failure) {
      feedback.failed(failure, 'Exporting');
    }
  }

  search();
}

export const accessLogsPage: AdminPage = { path: 'access-logs', title: 'Access Logs', render };
