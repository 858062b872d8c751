import { getJson } from '../api/http';
import type { AdminPage, ViewContext } from '../pages/view-context';
import { h } from '../views/dom';
import { formatTime } from '../views/format';
import { formatBytes, formatCount } from './admin-format';
import { dataTable, Feedback, field, input, wrapTable } from './admin-kit';
import { TRANSMISSION_RESULTS, transmissionParams } from './admin-params';
import { pagedTable, searchActions } from './paged-table';

const PAGE_SIZE = 50;

interface TransmissionView {
  at: string;
  category: string;
  destination: string;
  items: number;
  bytes: number;
  result: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** What each column means, under the table's heading. */
const COLUMNS: ReadonlyArray<{ label: string; numeric?: boolean; meaning: string }> = [
  { label: 'Sent (UTC)', meaning: 'When the relay sent the request (or dropped the batch).' },
  { label: 'Category', meaning: 'What was sent: host, service, application, health, heartbeat, problems or usage.' },
  { label: 'Destination', meaning: 'Where it went (the ops center’s address, never a payload).' },
  { label: 'Items', numeric: true, meaning: 'How many records the request carried.' },
  { label: 'Size', numeric: true, meaning: 'How much data the request carried.' },
  {
    label: 'Result',
    meaning:
      'delivered: accepted; rejected: refused by the destination; failed: not delivered, tried again later; dropped: given up unsent (queue full or too old).',
  },
  { label: 'HTTP status', numeric: true, meaning: 'The destination’s answer, when there was one.' },
  { label: 'Error', meaning: 'Why it was not delivered.' },
  { label: 'Duration (ms)', numeric: true, meaning: 'How long the request took.' },
];

/**
 * Telemetry: the telemetry relay's transmission log, what left the installation and how it ended,
 * filtered by category, result and time, page by page.
 */
function render(container: HTMLElement, context: ViewContext): void {
  const category = input('telemetry-category', 'category', { type: 'search', maxlength: '256' });
  const result = h(
    'select',
    { id: 'telemetry-result', name: 'result' },
    h('option', { value: '' }, 'Any'),
    ...TRANSMISSION_RESULTS.map((value) => h('option', { value }, value)),
  );
  const from = input('telemetry-from', 'from', { type: 'datetime-local', step: '60' });
  const to = input('telemetry-to', 'to', { type: 'datetime-local', step: '60' });
  const feedback = new Feedback(context, { category, result, from, to });
  const form = h(
    'form',
    { class: 'admin-form', role: 'search', 'aria-label': 'Filter transmissions', novalidate: '' },
    h(
      'div',
      { class: 'admin-fields' },
      field(category, 'Category', 'Exactly, e.g. health.'),
      field(result, 'Result'),
      field(from, 'From (UTC)', 'Sent at or after.'),
      field(to, 'To (UTC)', 'Sent before.'),
    ),
  );
  form.append(searchActions(form, [category, result, from, to], search));
  const table = dataTable('telemetry-transmissions', 'Transmissions, newest first', COLUMNS);
  let params = transmissionParams({ category: '', result: '', from: '', to: '' });
  const transmissions = pagedTable<TransmissionView>({
    table,
    feedback,
    fetch: async (token, cursor) => {
      const page = await getJson<{ transmissions: TransmissionView[]; nextCursor: string | null }>(
        '/api/v1/admin/telemetry/transmissions',
        token,
        { ...params, limit: PAGE_SIZE, cursor },
      );
      return { items: page.transmissions, nextCursor: page.nextCursor };
    },
    row: (row) => [
      h('time', { datetime: row.at }, formatTime(row.at)),
      row.category,
      row.destination,
      { text: formatCount(row.items), numeric: true },
      { text: formatBytes(row.bytes), numeric: true },
      h('span', { class: `result result-${row.result}` }, row.result),
      { text: row.statusCode === null ? '—' : String(row.statusCode), numeric: true },
      row.error ?? '',
      { text: formatCount(row.durationMs), numeric: true },
    ],
    noun: ['transmission', 'transmissions'],
    empty: 'No transmissions match these filters.',
    what: 'Loading the transmission log',
  });
  container.append(
    h(
      'p',
      { class: 'lead' },
      'Everything the telemetry relay sent out of this installation: what and how much, never the content.',
    ),
    form,
    h(
      'details',
      { class: 'help' },
      h('summary', {}, 'What the columns mean'),
      h('dl', {}, ...COLUMNS.flatMap((column) => [h('dt', {}, column.label), h('dd', {}, column.meaning)])),
    ),
    feedback.status,
    feedback.error,
    wrapTable(table),
    transmissions.nav,
  );

  function search(): void {
    params = transmissionParams({ category: category.value, result: result.value, from: from.value, to: to.value });
    transmissions.restart();
  }

  search();
}

export const telemetryPage: AdminPage = { path: 'telemetry', title: 'Telemetry', render };
