import {
  ApiFailure,
  fetchCsvExport,
  fetchEvent,
  fetchPage,
  fetchProof,
  type EventPage,
  type EventView,
} from '../api/events-api';
import {
  apiParamsFor,
  COLUMN_INFO,
  COLUMNS,
  columnOfParameter,
  filtersFromSearch,
  searchFromFilters,
  type Column,
  type ColumnFilters,
} from '../filters/column-filters';
import type { ViewContext } from '../pages/view-context';
import { renderDetail, renderDetailError } from './detail-dialog';
import { byId, h } from './dom';
import { actorLabel, eventLabel, formatTime } from './format';

export const PAGE_SIZE = 25;

/** Which trail the table shows: every workspace's (the Admin Area), or one workspace's. */
export interface EventLogsScope {
  workspace?: string;
}

/**
 * The Event Logs table: a filter per column (kept in the address), keyset pages through the
 * query API's cursors (next, and previous from the cursors already seen), a dialog with one
 * event's detail and diff, and CSV export of the current filter.
 */
export class EventLogsPage {
  private filters: ColumnFilters = {};
  /** cursors[i] fetches page i (undefined: the first page). */
  private cursors: Array<string | undefined> = [undefined];
  private pageIndex = 0;
  private page?: EventPage;
  private total?: number;
  private opener?: HTMLElement;
  private loading = 0;

  constructor(
    private readonly session: ViewContext,
    private readonly scope: EventLogsScope = {},
  ) {}

  /** The API parameters of the filters, held to the page's workspace in a workspace's view. */
  private apiParams(): Record<string, string> {
    const params = apiParamsFor(this.filters);
    if (this.scope.workspace !== undefined) params.workspace = this.scope.workspace;
    return params;
  }

  start(): void {
    this.buildHeader();
    byId<HTMLFormElement>('filters').addEventListener('submit', (event) => {
      event.preventDefault();
      this.applyFilters(this.readInputs(), true);
    });
    byId('clear-filters').addEventListener('click', () => this.applyFilters({}, true));
    byId('export-csv').addEventListener('click', () => void this.exportCsv());
    byId('next-page').addEventListener('click', () => void this.goTo(this.pageIndex + 1));
    byId('previous-page').addEventListener('click', () => void this.goTo(this.pageIndex - 1));
    byId('close-detail').addEventListener('click', () => byId<HTMLDialogElement>('detail').close());
    byId<HTMLDialogElement>('detail').addEventListener('close', () => this.detailClosed());
    window.addEventListener('popstate', () => this.fromAddress());
    this.fromAddress();
  }

  private buildHeader(): void {
    const headings = byId('column-headings');
    const inputs = byId('column-filters');
    const hints = byId('filter-hints');
    for (const column of COLUMNS) {
      const info = COLUMN_INFO[column];
      headings.append(h('th', { scope: 'col', id: `heading-${column}` }, info.label));
      inputs.append(
        h(
          'td',
          {},
          h('label', { for: `filter-${column}`, class: 'visually-hidden' }, `${info.label} filter`),
          h('input', {
            id: `filter-${column}`,
            name: column,
            type: 'search',
            form: 'filters',
            autocomplete: 'off',
            placeholder: info.example,
            'aria-describedby': `hint-${column} problem-${column}`,
          }),
          h('span', { id: `problem-${column}`, class: 'field-error' }),
        ),
      );
      hints.append(h('dt', {}, info.label), h('dd', { id: `hint-${column}` }, info.hint));
    }
    headings.append(h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Details')));
    inputs.append(h('td', {}));
  }

  /** In a workspace's view its Workspace filter shows the workspace and cannot be changed. */
  private holdWorkspaceFilter(): void {
    if (this.scope.workspace === undefined) return;
    const input = this.input('workspace');
    input.value = this.scope.workspace;
    input.readOnly = true;
  }

  private input(column: Column): HTMLInputElement {
    return byId<HTMLInputElement>(`filter-${column}`);
  }

  private readInputs(): ColumnFilters {
    const filters: ColumnFilters = {};
    for (const column of COLUMNS) {
      const value = this.input(column).value.trim();
      if (value) filters[column] = value;
    }
    return filters;
  }

  /** The address holds the filters and the open event, so views can be bookmarked, shared and reloaded. */
  private fromAddress(): void {
    const search = new URLSearchParams(window.location.search);
    const filters = filtersFromSearch(search);
    for (const column of COLUMNS) this.input(column).value = filters[column] ?? '';
    this.holdWorkspaceFilter();
    this.applyFilters(filters, false);
    const detail = search.get('detail');
    const dialog = byId<HTMLDialogElement>('detail');
    if (detail) void this.openDetail(detail, undefined, false);
    else if (dialog.open) dialog.close(); // back from an event's address
  }

  private applyFilters(filters: ColumnFilters, remember: boolean): void {
    this.filters = filters;
    this.cursors = [undefined];
    this.total = undefined;
    if (remember) history.pushState(null, '', `${window.location.pathname}${searchFromFilters(filters)}`);
    void this.goTo(0);
  }

  private clearProblems(): void {
    byId('error').textContent = '';
    for (const column of COLUMNS) {
      byId(`problem-${column}`).textContent = '';
      this.input(column).removeAttribute('aria-invalid');
    }
  }

  /** Turns an API failure into words where they help: at the filter it concerns, or above the table. */
  private showFailure(failure: unknown, what: string): void {
    if (!(failure instanceof ApiFailure)) {
      byId('error').textContent = `${what} failed: ${(failure as Error).message}`;
      return;
    }
    if (failure.status === 401) return this.session.expired('Your session has ended. Please sign in again.');
    const column = columnOfParameter(failure.parameter);
    if (failure.status === 400 && column) {
      byId(`problem-${column}`).textContent = failure.message;
      this.input(column).setAttribute('aria-invalid', 'true');
      byId('error').textContent = `The ${COLUMN_INFO[column].label} filter is not valid: ${failure.message}`;
      return;
    }
    if (failure.status === 403) {
      byId('error').textContent = `You may not read these events: ${failure.message}`;
      return;
    }
    if (failure.status === 429) {
      byId('error').textContent = 'Too many requests; please wait a moment and try again.';
      return;
    }
    byId('error').textContent = `${what} failed: ${failure.message}`;
  }

  private async goTo(index: number): Promise<void> {
    const token = this.session.token();
    if (!token) return this.session.expired('Please sign in.');
    if (index < 0 || index >= this.cursors.length) return;
    const ticket = ++this.loading;
    this.clearProblems();
    byId('status').textContent = 'Loading events…';
    try {
      const page = await fetchPage(token, this.apiParams(), {
        limit: PAGE_SIZE,
        cursor: this.cursors[index],
        count: this.total === undefined,
      });
      if (ticket !== this.loading) return; // a newer request has been made meanwhile
      this.page = page;
      this.pageIndex = index;
      if (page.total !== undefined) this.total = page.total;
      this.cursors.length = index + 1;
      if (page.nextCursor) this.cursors.push(page.nextCursor);
      this.renderRows(page.events);
    } catch (failure) {
      if (ticket !== this.loading) return;
      this.page = undefined;
      this.renderRows([]);
      this.showFailure(failure, 'Loading events');
    }
    this.renderPager();
  }

  private renderRows(events: EventView[]): void {
    const rows = events.map((event) => {
      const label = eventLabel(event);
      const details = h(
        'button',
        {
          type: 'button',
          class: 'details',
          'aria-label': `Details of ${label} ${event.action} at ${formatTime(event.time)}`,
        },
        'Details',
      );
      details.addEventListener('click', (click) => {
        click.stopPropagation();
        void this.openDetail(event.id, details, true);
      });
      const row = h(
        'tr',
        { 'data-event-id': event.id },
        h('td', { class: 'time' }, h('time', { datetime: event.time }, formatTime(event.time))),
        h('td', {}, label),
        h('td', {}, event.action),
        h('td', {}, event.change ?? ''),
        h('td', {}, event.workspace ?? 'global'),
        h('td', {}, actorLabel(event.actor)),
        h('td', {}, details),
      );
      row.addEventListener('click', () => void this.openDetail(event.id, details, true));
      return row;
    });
    if (rows.length === 0) {
      rows.push(
        h('tr', {}, h('td', { colspan: String(COLUMNS.length + 1), class: 'empty' }, 'No events match these filters.')),
      );
    }
    byId('rows').replaceChildren(...rows);
  }

  private renderPager(): void {
    const previous = byId<HTMLButtonElement>('previous-page');
    const next = byId<HTMLButtonElement>('next-page');
    previous.disabled = this.pageIndex === 0;
    next.disabled = this.pageIndex + 1 >= this.cursors.length;
    const count = this.page?.events.length ?? 0;
    const pages = this.total === undefined ? undefined : Math.max(1, Math.ceil(this.total / PAGE_SIZE));
    byId('page-info').textContent = pages ? `Page ${this.pageIndex + 1} of ${pages}` : `Page ${this.pageIndex + 1}`;
    byId('status').textContent = this.page
      ? `${count} event${count === 1 ? '' : 's'} shown${this.total === undefined ? '' : ` of ${this.total}`}`
      : '';
  }

  private async openDetail(id: string, opener: HTMLElement | undefined, remember: boolean): Promise<void> {
    const token = this.session.token();
    if (!token) return this.session.expired('Please sign in.');
    this.opener = opener;
    const dialog = byId<HTMLDialogElement>('detail');
    if (remember)
      history.pushState(null, '', `${window.location.pathname}${searchFromFilters(this.filters, { detail: id })}`);
    try {
      // the proof is asked for beside the event; a failure there only leaves the seal unknown
      const [event, proof] = await Promise.all([
        fetchEvent(token, id),
        fetchProof(token, id).catch((failure: unknown) => failure as Error),
      ]);
      renderDetail(event, proof);
    } catch (failure) {
      if (failure instanceof ApiFailure && failure.status === 401)
        return this.session.expired('Your session has ended. Please sign in again.');
      renderDetailError(
        failure instanceof ApiFailure && failure.status === 404
          ? 'No such event, or not one you may read.'
          : `Loading the event failed: ${(failure as Error).message}`,
      );
    }
    if (!dialog.open) dialog.showModal();
    byId('close-detail').focus();
  }

  private detailClosed(): void {
    const search = new URLSearchParams(window.location.search);
    if (search.has('detail'))
      history.replaceState(null, '', `${window.location.pathname}${searchFromFilters(this.filters)}`);
    this.opener?.focus();
  }

  private async exportCsv(): Promise<void> {
    const token = this.session.token();
    if (!token) return this.session.expired('Please sign in.');
    this.clearProblems();
    byId('status').textContent = 'Exporting…';
    try {
      const csv = await fetchCsvExport(token, this.apiParams());
      const link = h('a', {
        href: URL.createObjectURL(csv),
        download: `meshtrail-events-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`,
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      byId('status').textContent = `Exported the events matching these filters (${csv.size} bytes of CSV).`;
    } catch (failure) {
      byId('status').textContent = '';
      this.showFailure(failure, 'Exporting');
    }
  }
}
