import {
  ApiFailure,
  fetchCsvExport,
  fetchEvent,
  fetchPage,
  fetchProof,
  fetchStats,
  fetchWorkspaces,
  type EventPage,
  type EventView,
} from '../api/events-api';
import { renderBarChart } from '../charts/bar-chart';
import { eventsChartData, eventsChartNote } from '../charts/events-chart-data';
import {
  apiParamsFor,
  COLUMN_INFO,
  COLUMNS,
  columnOfParameter,
  filtersFromSearch,
  searchFromFilters,
  TYPE_CHOICES,
  typeChoiceOf,
  type Column,
  type ColumnFilters,
} from '../filters/column-filters';
import type { ViewContext } from '../pages/view-context';
import { renderDetail, renderDetailError } from './detail-dialog';
import { byId, h } from './dom';
import { actorLabel, eventLabel, formatTime, workspaceLabel } from './format';

export const PAGE_SIZE = 25;

/** Which trail the table shows: every workspace's (the Admin Area), or one workspace's. */
export interface EventLogsScope {
  workspace?: string;
}

/** How long typing in the Workspace filter rests before its suggestions are asked for. */
const SUGGEST_AFTER_MS = 250;

/**
 * The Event Logs table: a filter per column (kept in the address), keyset pages through the
 * query API's cursors (next, and previous from the cursors already seen), a dialog with one
 * event's detail and diff, CSV export of the current filter, and the current filter's events per
 * day by type as a chart. A workspace's view reads that workspace's trail
 * (`/api/v1/workspaces/{id}/events`), so it has no Workspace column.
 */
export class EventLogsPage {
  private filters: ColumnFilters = {};
  /** cursors[i] fetches page i (undefined: the first page). */
  private cursors: Array<string | undefined> = [undefined];
  private pageIndex = 0;
  private page?: EventPage;
  private total?: number;
  private opener?: { id: string; button?: HTMLElement };
  private loading = 0;
  private charting = 0;
  private suggestions = 0;
  private suggesting?: ReturnType<typeof setTimeout>;
  private readonly columns: readonly Column[];

  constructor(
    private readonly session: ViewContext,
    private readonly scope: EventLogsScope = {},
  ) {
    this.columns = scope.workspace === undefined ? COLUMNS : COLUMNS.filter((column) => column !== 'workspace');
  }

  /** The API parameters of the filters (a workspace's view asks its workspace's path instead). */
  private apiParams(): Record<string, string> {
    return apiParamsFor(this.filters);
  }

  start(): void {
    this.buildHeader();
    byId<HTMLFormElement>('filters').addEventListener('submit', (event) => {
      event.preventDefault();
      this.applyFilters(this.readInputs(), true);
    });
    byId('clear-filters').addEventListener('click', () => {
      this.showFilters({});
      this.applyFilters({}, true);
    });
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
    for (const column of this.columns) {
      const info = COLUMN_INFO[column];
      headings.append(h('th', { scope: 'col', id: `heading-${column}` }, info.label));
      inputs.append(
        h(
          'td',
          {},
          h('label', { for: `filter-${column}`, class: 'visually-hidden' }, `${info.label} filter`),
          column === 'type' ? this.typeSelect() : this.textFilter(column),
          ...(column === 'workspace' ? [h('datalist', { id: 'workspace-options' })] : []),
          h('span', { id: `problem-${column}`, class: 'field-error' }),
        ),
      );
      hints.append(h('dt', {}, info.label), h('dd', { id: `hint-${column}` }, info.hint));
    }
    headings.append(h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Details')));
    inputs.append(h('td', {}));
    if (!this.columns.includes('workspace')) return;
    const workspace = this.input('workspace');
    workspace.addEventListener('input', () => {
      clearTimeout(this.suggesting);
      this.suggesting = setTimeout(() => void this.suggestWorkspaces(workspace.value), SUGGEST_AFTER_MS);
    });
    void this.suggestWorkspaces('');
  }

  private textFilter(column: Column): HTMLInputElement {
    const info = COLUMN_INFO[column];
    return h('input', {
      id: `filter-${column}`,
      name: column,
      type: 'search',
      form: 'filters',
      autocomplete: 'off',
      placeholder: info.example,
      'aria-describedby': `hint-${column} problem-${column}`,
      ...(column === 'workspace' ? { list: 'workspace-options' } : {}),
    });
  }

  /**
   * Type is a choice, not a text: the product's words first, then the precise actions. Choosing
   * applies the filters at once; Enter applies them too, as in the text filters.
   */
  private typeSelect(): HTMLSelectElement {
    const option = (choice: { value: string; label: string }) => h('option', { value: choice.value }, choice.label);
    const select = h(
      'select',
      { id: 'filter-type', name: 'type', form: 'filters', 'aria-describedby': 'hint-type problem-type' },
      option(TYPE_CHOICES.any),
      h('optgroup', { label: "In the product's words" }, ...TYPE_CHOICES.words.map(option)),
      h('optgroup', { label: 'Precisely' }, ...TYPE_CHOICES.precise.map(option)),
    );
    select.addEventListener('change', () => this.applyFilters(this.readInputs(), true));
    select.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      byId<HTMLFormElement>('filters').requestSubmit();
    });
    return select;
  }

  /** Shows `text` in the Type select: a choice of its own when an address holds a type the select lacks. */
  private showType(text: string): void {
    const select = byId<HTMLSelectElement>('filter-type');
    select.querySelector('option.from-address')?.remove();
    const value = typeChoiceOf(text);
    if (value && ![...select.options].some((option) => option.value === value))
      select.append(h('option', { value, class: 'from-address' }, `${value} (from the address)`));
    select.value = value;
  }

  /** Suggestions for the Workspace filter: the workspaces you may read whose name or id starts with what was typed. */
  private async suggestWorkspaces(typed: string): Promise<void> {
    const token = this.session.token();
    if (!token) return;
    const ticket = ++this.suggestions;
    const workspaces = await fetchWorkspaces(token, typed.trim()).catch(() => undefined);
    // suggestions are a convenience: the filter works without them; an older answer is dropped
    if (!workspaces || ticket !== this.suggestions) return;
    byId('workspace-options').replaceChildren(
      ...workspaces.map((workspace) =>
        h(
          'option',
          { value: workspace.name ?? workspace.id },
          workspace.name ? `${workspace.id}${workspace.deleted ? ' (deleted)' : ''}` : '',
        ),
      ),
    );
  }

  private input(column: Column): HTMLInputElement | HTMLSelectElement {
    return byId<HTMLInputElement | HTMLSelectElement>(`filter-${column}`);
  }

  private readInputs(): ColumnFilters {
    const filters: ColumnFilters = {};
    for (const column of this.columns) {
      const value = this.input(column).value.trim();
      if (value) filters[column] = value;
    }
    return filters;
  }

  /** Puts the filters into their inputs. */
  private showFilters(filters: ColumnFilters): void {
    for (const column of this.columns)
      if (column === 'type') this.showType(filters.type ?? '');
      else this.input(column).value = filters[column] ?? '';
  }

  /** The address holds the filters and the open event, so views can be bookmarked, shared and reloaded. */
  private fromAddress(): void {
    const search = new URLSearchParams(window.location.search);
    const filters = filtersFromSearch(search);
    // a workspace's view reads that workspace's trail: a Workspace filter in its address means nothing
    if (!this.columns.includes('workspace')) delete filters.workspace;
    if (filters.type) filters.type = typeChoiceOf(filters.type);
    this.showFilters(filters);
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
    // the pages of the filters before are gone: the pager waits for the new first page
    byId<HTMLButtonElement>('next-page').disabled = true;
    byId<HTMLButtonElement>('previous-page').disabled = true;
    if (remember) history.pushState(null, '', `${window.location.pathname}${searchFromFilters(filters)}`);
    void this.goTo(0);
    void this.drawChart();
  }

  /** The current filters' events per day by type, as a chart with its table (a failure is said in its place). */
  private async drawChart(): Promise<void> {
    const token = this.session.token();
    if (!token) return;
    const ticket = ++this.charting;
    const place = byId('events-chart');
    place.setAttribute('aria-busy', 'true');
    try {
      const stats = await fetchStats(token, this.apiParams(), this.scope.workspace);
      if (ticket !== this.charting) return;
      const { empty, note } = eventsChartNote(stats, Boolean(this.filters.time));
      const said = note ? [h('p', { class: 'chart-note' }, note)] : [];
      place.replaceChildren(...(empty ? said : [renderBarChart(eventsChartData(stats)), ...said]));
    } catch (failure) {
      if (ticket !== this.charting) return;
      if (failure instanceof ApiFailure && failure.status === 401) return; // the table's request says so
      place.replaceChildren(
        h('p', { class: 'error' }, `The chart of events per day could not be drawn: ${(failure as Error).message}`),
      );
    } finally {
      if (ticket === this.charting) place.removeAttribute('aria-busy');
    }
  }

  private clearProblems(): void {
    byId('error').textContent = '';
    for (const column of this.columns) {
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
    if (failure.status === 400 && column && this.columns.includes(column)) {
      byId(`problem-${column}`).textContent = failure.message;
      this.input(column).setAttribute('aria-invalid', 'true');
      byId('error').textContent = `The ${COLUMN_INFO[column].label} filter is not valid: ${failure.message}`;
      return;
    }
    if (failure.status === 403) {
      byId('error').textContent =
        this.scope.workspace === undefined
          ? `You may not read these events: ${failure.message}`
          : `You may not read the events of workspace ${this.scope.workspace}: ${failure.message}`;
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
        workspace: this.scope.workspace,
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
        ...(this.columns.includes('workspace') ? [workspaceCell(event)] : []),
        h('td', {}, actorLabel(event.actor)),
        h('td', {}, details),
      );
      row.addEventListener('click', () => void this.openDetail(event.id, details, true));
      return row;
    });
    if (rows.length === 0) {
      rows.push(
        h(
          'tr',
          {},
          h('td', { colspan: String(this.columns.length + 1), class: 'empty' }, 'No events match these filters.'),
        ),
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
    this.opener = { id, button: opener };
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
    if (!this.opener) return;
    // the rows may have been drawn anew meanwhile: then the same event's button, else the table
    const { id, button } = this.opener;
    const again = [...byId('rows').querySelectorAll<HTMLElement>('tr[data-event-id]')].find(
      (row) => row.dataset.eventId === id,
    );
    const target = button?.isConnected ? button : (again?.querySelector<HTMLElement>('button.details') ?? undefined);
    (target ?? byId('events-table')).focus();
  }

  private async exportCsv(): Promise<void> {
    const token = this.session.token();
    if (!token) return this.session.expired('Please sign in.');
    this.clearProblems();
    byId('status').textContent = 'Exporting…';
    try {
      const csv = await fetchCsvExport(token, this.apiParams(), this.scope.workspace);
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

/** The workspace's name, its id beside it in a quieter tone. */
function workspaceCell(event: EventView): HTMLTableCellElement {
  const { name, id } = workspaceLabel(event);
  return h('td', {}, name, ...(id === undefined ? [] : [h('span', { class: 'quiet' }, ` (${id})`)]));
}
