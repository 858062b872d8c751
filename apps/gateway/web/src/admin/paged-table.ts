import { h } from '../views/dom';
import { button, pager, setRows, type Cell, type Control, type Feedback } from './admin-kit';
import { KeysetPages } from './keyset-pages';

export interface PagedTableOptions<T> {
  table: HTMLTableElement;
  feedback: Feedback;
  /** One page from the API, after `cursor` (undefined: the first page). */
  fetch(token: string, cursor: string | undefined): Promise<{ items: T[]; nextCursor: string | null }>;
  row(item: T): Cell[];
  /** "record", "records": for the status line. */
  noun: [string, string];
  /** What the table says when nothing matches, and what the failure message calls the loading. */
  empty: string;
  what: string;
}

/**
 * A table read in keyset pages: Previous and Next, the newest request winning when several are
 * under way, the count in the polite status line and failures in words.
 */
export function pagedTable<T>(options: PagedTableOptions<T>): {
  nav: HTMLElement;
  /** Back to the first page (new filters). */
  restart(): void;
} {
  const { table, feedback } = options;
  const pages = new KeysetPages();
  const nav = pager(`${options.noun[1][0].toUpperCase()}${options.noun[1].slice(1)}, pages`);
  let ticket = 0;

  async function load(index: number): Promise<void> {
    const cursor = pages.cursorOf(index);
    const token = feedback.token();
    if (cursor === null || !token) return;
    const mine = ++ticket;
    feedback.clear();
    feedback.say(`Loading ${options.noun[1]}…`);
    try {
      const page = await options.fetch(token, cursor);
      if (mine !== ticket) return; // a newer request has been made meanwhile
      pages.arrived(index, page.nextCursor);
      setRows(table, page.items.map(options.row), options.empty);
      const count = page.items.length;
      feedback.say(
        `${count} ${options.noun[count === 1 ? 0 : 1]} shown, page ${pages.index + 1}${page.nextCursor ? '; more on the next page' : ''}.`,
      );
    } catch (failure) {
      if (mine !== ticket) return;
      setRows(table, [], `No ${options.noun[1]} shown.`);
      feedback.failed(failure, options.what);
    }
    nav.previous.disabled = !pages.hasPrevious;
    nav.next.disabled = !pages.hasNext;
    nav.info.textContent = `Page ${pages.index + 1}`;
  }

  nav.previous.addEventListener('click', () => void load(pages.index - 1));
  nav.next.addEventListener('click', () => void load(pages.index + 1));
  return {
    nav: nav.nav,
    restart: () => {
      pages.reset();
      void load(0);
    },
  };
}

/** A search form's buttons: Search (submit) and Clear filters, both calling `search`. */
export function searchActions(form: HTMLFormElement, controls: readonly Control[], search: () => void): HTMLElement {
  const clear = button('Clear filters');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  clear.addEventListener('click', () => {
    for (const control of controls) control.value = '';
    search();
  });
  return h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search'), clear);
}
