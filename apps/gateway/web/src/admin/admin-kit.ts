import { ApiFailure } from '../api/http';
import type { ViewContext } from '../pages/view-context';
import { h } from '../views/dom';

/**
 * The parts every admin page is built from: labelled fields with their hint and error, a polite
 * status line and an alert line, API failures in words (at the field the API names), a table,
 * pager buttons, a confirmation dialog and downloads. Text only (h(), textContent): nothing the
 * API answers is parsed as HTML.
 */

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A control with its label, its hint (when given) and the place for its error, linked for screen readers. */
export function field(control: Control, label: string, hint?: string): HTMLElement {
  const id = control.id;
  const described = [`${id}-problem`];
  const parts: Node[] = [h('label', { for: id }, label), control];
  if (hint) {
    described.unshift(`${id}-hint`);
    parts.push(h('span', { id: `${id}-hint`, class: 'hint' }, hint));
  }
  parts.push(h('span', { id: `${id}-problem`, class: 'field-error' }));
  control.setAttribute('aria-describedby', described.join(' '));
  return h('div', { class: 'admin-field' }, ...parts);
}

/** A text-like input (text, search, number, datetime-local) with its id and name. */
export function input(id: string, name: string, attributes: Record<string, string> = {}): HTMLInputElement {
  return h('input', { id, name, type: 'text', autocomplete: 'off', ...attributes });
}

export function problemOf(control: Control): HTMLElement | null {
  return control.ownerDocument.getElementById(`${control.id}-problem`);
}

/** The page's messages: a polite status line (progress, results) and an alert line (failures). */
export class Feedback {
  readonly status = h('p', { class: 'admin-status', role: 'status', 'aria-live': 'polite' });
  readonly error = h('p', { class: 'error', role: 'alert' });

  constructor(
    private readonly context: ViewContext,
    /** The form's controls by the API parameter they set. */
    private readonly fields: Record<string, Control> = {},
    /** Failures without a `parameter` that concern a field, by code (LEGAL_HOLD.ALREADY_HELD: workspace). */
    private readonly codeFields: Record<string, string> = {},
  ) {}

  say(text: string): void {
    this.status.textContent = text;
  }

  /** Clears the alert and every field's error. */
  clear(): void {
    this.error.textContent = '';
    for (const control of Object.values(this.fields)) {
      control.removeAttribute('aria-invalid');
      const problem = problemOf(control);
      if (problem) problem.textContent = '';
    }
  }

  /** The token, or undefined after sending the person back to sign in. */
  token(): string | undefined {
    const token = this.context.token();
    if (!token) this.context.expired('Please sign in.');
    return token;
  }

  /**
   * An API failure in words: 401 ends the session; a 400 (or a 403 of a scope rule) naming a
   * parameter of the form is shown at that field, which gets the focus; 403, 404, 409 and 429
   * get a sentence above the table.
   */
  failed(failure: unknown, what: string): void {
    this.say('');
    if (!(failure instanceof ApiFailure)) {
      this.error.textContent = `${what} failed: ${(failure as Error).message}`;
      return;
    }
    if (failure.status === 401) return this.context.expired('Your session has ended. Please sign in again.');
    if (failure.status === 429) {
      this.error.textContent = `${what} failed: too many requests; please wait a moment and try again.`;
      return;
    }
    const control = this.fieldNamed(failure);
    if (control && (failure.status === 400 || failure.status === 403 || failure.status === 409)) {
      control.setAttribute('aria-invalid', 'true');
      const problem = problemOf(control);
      if (problem) problem.textContent = failure.message;
      this.error.textContent = `${what} failed: ${failure.message}`;
      control.focus();
      return;
    }
    if (failure.status === 403) {
      this.error.textContent = `${what} failed: you may not do this (${failure.message}).`;
      return;
    }
    this.error.textContent = `${what} failed: ${failure.message}`;
  }

  /** The field the failure names: by its `parameter`, else by a message such as "workspaces: …". */
  private fieldNamed(failure: ApiFailure): Control | undefined {
    const parameter =
      failure.parameter ??
      (failure.code ? this.codeFields[failure.code] : undefined) ??
      /^([A-Za-z]+):/.exec(failure.message)?.[1];
    return parameter === undefined ? undefined : this.fields[parameter];
  }
}

export interface Column {
  label: string;
  numeric?: boolean;
  /** Read by screen readers only (an actions column). */
  hidden?: boolean;
}

/** A table with its caption and column headings; fill its body with setRows. */
export function dataTable(id: string, caption: string, columns: readonly Column[]): HTMLTableElement {
  return h(
    'table',
    { id, tabindex: '-1' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...columns.map((column) =>
          h(
            'th',
            { scope: 'col', ...(column.numeric ? { class: 'number' } : {}) },
            column.hidden ? h('span', { class: 'visually-hidden' }, column.label) : column.label,
          ),
        ),
      ),
    ),
    h('tbody', {}),
  );
}

export type Cell = string | Node | { text: string | Node; numeric?: boolean; header?: boolean };

/** Replaces the table's rows; `empty` is shown in one cell when there are none. */
export function setRows(table: HTMLTableElement, rows: Cell[][], empty: string): void {
  const width = table.tHead?.rows[0]?.cells.length ?? 1;
  const body = table.tBodies[0];
  if (rows.length === 0) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: String(width), class: 'empty' }, empty)));
    return;
  }
  body.replaceChildren(
    ...rows.map((cells) =>
      h(
        'tr',
        {},
        ...cells.map((cell) => {
          if (typeof cell === 'string' || cell instanceof Node) return h('td', {}, cell);
          if (cell.header) return h('th', { scope: 'row' }, cell.text);
          return h('td', cell.numeric ? { class: 'number' } : {}, cell.text);
        }),
      ),
    ),
  );
}

export function wrapTable(table: HTMLTableElement): HTMLElement {
  return h('div', { class: 'table-wrap' }, table);
}

/** Previous and Next buttons and the page number, in a navigation landmark named `label`. */
export function pager(label: string): {
  nav: HTMLElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
  info: HTMLElement;
} {
  const previous = h('button', { type: 'button' }, 'Previous page');
  const next = h('button', { type: 'button' }, 'Next page');
  const info = h('span', {});
  return { nav: h('nav', { class: 'pager', 'aria-label': label }, previous, info, next), previous, next, info };
}

export function button(label: string, attributes: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { type: 'button', ...attributes }, label);
}

/** Saves a blob the API answered as a file. */
export function download(blob: Blob, filename: string): void {
  const link = h('a', { href: URL.createObjectURL(blob), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

export interface Confirmation {
  title: string;
  message: string;
  confirmLabel: string;
  /** Asks for a reason (required), sent as the body's `reason`. */
  reasonLabel?: string;
  /** Runs on Confirm; a failure is shown in the dialog (at the reason when the API names it), which stays open. */
  action(reason: string | undefined): Promise<void>;
  /** Where the focus goes once the dialog closed; the opener by default. */
  focusAfter?(): HTMLElement | null | undefined;
}

let dialogs = 0;

/**
 * A modal confirmation (a native dialog: focus stays inside, Escape cancels), labelled by its
 * heading and described by its message. Resolves true when the action succeeded, false when cancelled.
 */
export function confirm(context: ViewContext, options: Confirmation): Promise<boolean> {
  const opener = document.activeElement as HTMLElement | null;
  const id = `confirm-${++dialogs}`;
  const reason = options.reasonLabel
    ? h('textarea', { id: `${id}-reason`, name: 'reason', rows: '3', required: '', maxlength: '1024' })
    : undefined;
  const feedback = new Feedback(context, reason ? { reason } : {});
  const ok = button(options.confirmLabel, { class: 'danger' });
  const cancel = button('Cancel');
  const form = h(
    'form',
    { method: 'dialog', novalidate: '' },
    h('h2', { id: `${id}-title` }, options.title),
    h('p', { id: `${id}-message` }, options.message),
    ...(reason ? [field(reason, options.reasonLabel!)] : []),
    feedback.error,
    h('div', { class: 'actions' }, ok, cancel),
  );
  const dialog = h(
    'dialog',
    { class: 'admin-dialog', 'aria-labelledby': `${id}-title`, 'aria-describedby': `${id}-message` },
    form,
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    let done = false;
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(done);
      const target = (done ? options.focusAfter?.() : undefined) ?? opener;
      if (target?.isConnected) target.focus();
    });
    cancel.addEventListener('click', () => dialog.close());
    reason?.addEventListener('input', () => {
      if (reason.value.trim()) feedback.clear();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      feedback.clear();
      const given = reason?.value.trim();
      if (reason && !given) {
        reason.setAttribute('aria-invalid', 'true');
        problemOf(reason)!.textContent = 'Please give a reason.';
        reason.focus();
        return;
      }
      ok.disabled = true;
      options
        .action(given)
        .then(() => {
          done = true;
          dialog.close();
        })
        .catch((failure: unknown) => feedback.failed(failure, options.confirmLabel))
        .finally(() => {
          ok.disabled = false;
        });
    });
    ok.type = 'submit';
    dialog.showModal();
    (reason ?? cancel).focus();
  });
}
