import { getJson, sendJson } from '../api/http';
import type { AdminPage, ViewContext } from '../pages/view-context';
import { h } from '../views/dom';
import { formatTime } from '../views/format';
import { keyScope, keyState, type ApiKeyView } from './admin-format';
import { button, confirm, dataTable, Feedback, field, input, setRows, wrapTable } from './admin-kit';
import { apiKeyBody } from './admin-params';

/**
 * API Keys: every key (never a secret), created with a scope and an expiry, and revoked. A new
 * key's secret is shown once, in a panel that only this page's memory holds: gone when the panel
 * is closed or the page is left or reloaded (the gateway keeps only its hash).
 */
function render(container: HTMLElement, context: ViewContext): void {
  const name = input('key-name', 'name', { maxlength: '200', required: '' });
  const readsAll = h('input', {
    id: 'key-reads-all',
    type: 'radio',
    name: 'reads',
    value: 'all',
    'aria-describedby': 'key-reads-all-problem',
  });
  const readsSome = h('input', { id: 'key-reads-some', type: 'radio', name: 'reads', value: 'some' });
  // the default a reset returns to
  readsSome.defaultChecked = true;
  const workspaces = input('key-workspaces', 'workspaces');
  const manageKeys = h('input', {
    id: 'key-manage',
    type: 'checkbox',
    name: 'manageKeys',
    'aria-describedby': 'key-manage-problem',
  });
  const days = input('key-days', 'expiresInDays', { type: 'number', min: '1', step: '1', inputmode: 'numeric' });
  const feedback = new Feedback(context, {
    name,
    admin: readsAll,
    workspaces,
    manageKeys,
    expiresInDays: days,
  });
  const mayManage = context.me.manageKeys;
  const createForm = h(
    'form',
    { class: 'admin-form', 'aria-labelledby': 'create-key-title', novalidate: '' },
    h('h2', { id: 'create-key-title' }, 'Create an API key'),
    h(
      'div',
      { class: 'admin-fields' },
      field(name, 'Name', 'What the key is for, e.g. siem-pull.'),
      h(
        'fieldset',
        { class: 'admin-choice' },
        h('legend', {}, 'Reads'),
        h('div', {}, readsSome, h('label', { for: 'key-reads-some' }, 'These workspaces')),
        h('div', {}, readsAll, h('label', { for: 'key-reads-all' }, 'Every workspace (admin, read only)')),
        h('span', { id: 'key-reads-all-problem', class: 'field-error' }),
      ),
      field(workspaces, 'Workspaces', 'Workspace ids, separated by commas or spaces (for “These workspaces”).'),
      h(
        'div',
        { class: 'admin-toggle' },
        manageKeys,
        h(
          'label',
          { for: 'key-manage' },
          'May manage keys (create and revoke keys, none with more rights than itself)',
        ),
        h('span', { id: 'key-manage-problem', class: 'field-error' }),
      ),
      field(days, 'Expires in (days)', 'Empty: the gateway’s default (API_KEY_DEFAULT_DAYS).'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create key')),
  );
  const secret = h('div', { class: 'key-once', hidden: '' });
  const table = dataTable('api-keys', 'API keys, newest first', [
    { label: 'Name' },
    { label: 'Id' },
    { label: 'Scope' },
    { label: 'Created by' },
    { label: 'Created (UTC)' },
    { label: 'Expires (UTC)' },
    { label: 'Last used (UTC)' },
    { label: 'State' },
    { label: 'Actions', hidden: true },
  ]);
  container.append(
    h(
      'p',
      { class: 'lead' },
      'API keys let machines read the trail. Creating and revoking keys needs the key-management right (platform admins have it).',
    ),
    ...(mayManage ? [createForm] : [h('p', { class: 'error' }, 'You may list keys but not create or revoke them.')]),
    secret,
    feedback.status,
    feedback.error,
    wrapTable(table),
  );

  function syncWorkspaces(): void {
    workspaces.disabled = readsAll.checked;
  }
  readsAll.addEventListener('change', syncWorkspaces);
  readsSome.addEventListener('change', syncWorkspaces);

  async function load(): Promise<void> {
    const token = feedback.token();
    if (!token) return;
    try {
      const keys = await getJson<ApiKeyView[]>('/api/v1/api-keys', token);
      const now = new Date();
      keys.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      setRows(
        table,
        keys.map((key) => {
          const state = keyState(key, now);
          return [
            { text: key.name, header: true },
            h('code', {}, key.id),
            keyScope(key),
            key.createdBy,
            formatTime(key.createdAt),
            formatTime(key.expiresAt),
            key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never',
            state === 'revoked'
              ? `Revoked ${formatTime(key.revokedAt!)} by ${key.revokedBy ?? '—'}`
              : state === 'expired'
                ? 'Expired'
                : 'Active',
            state === 'revoked' || !mayManage ? '' : revokeButton(key),
          ];
        }),
        'No API keys yet.',
      );
    } catch (failure) {
      feedback.failed(failure, 'Loading the API keys');
    }
  }

  function revokeButton(key: ApiKeyView): HTMLButtonElement {
    const revoke = button('Revoke', { 'aria-label': `Revoke the key ${key.name} (${key.id})` });
    revoke.addEventListener('click', () => {
      void confirm(context, {
        title: `Revoke the key ${key.name}?`,
        message: `Every request with the key ${key.id} is refused from now on. This cannot be undone.`,
        confirmLabel: 'Revoke key',
        action: async () => {
          const token = feedback.token();
          if (!token) return;
          await sendJson('DELETE', `/api/v1/api-keys/${encodeURIComponent(key.id)}`, token);
          feedback.clear();
          feedback.say(`The key ${key.name} (${key.id}) was revoked.`);
          await load();
        },
        focusAfter: () => table,
      });
    });
    return revoke;
  }

  /** The secret, once: with a copy button and the note that it will not be shown again. */
  function showOnce(created: ApiKeyView & { key: string }): void {
    const value = h('input', {
      id: 'new-key-value',
      type: 'text',
      readonly: '',
      class: 'key-value',
      'aria-describedby': 'new-key-note',
    });
    value.value = created.key;
    const copy = button('Copy key');
    const done = button('I have stored it; hide the key');
    const copied = h('span', { role: 'status', 'aria-live': 'polite' });
    copy.addEventListener('click', () => {
      value.select();
      navigator.clipboard
        .writeText(created.key)
        .then(() => (copied.textContent = 'Copied.'))
        .catch(() => (copied.textContent = 'The browser refused to copy; the key is selected: press Ctrl+C.'));
    });
    done.addEventListener('click', () => {
      secret.replaceChildren();
      secret.hidden = true;
      name.focus();
    });
    secret.replaceChildren(
      h('h2', { id: 'new-key-title', tabindex: '-1' }, `New key: ${created.name}`),
      h(
        'p',
        { id: 'new-key-note', class: 'note' },
        'Store this key now: it is shown this once and will not be shown again (the gateway keeps only its hash).',
      ),
      h('label', { for: 'new-key-value' }, 'The key'),
      value,
      h('div', { class: 'actions' }, copy, done, copied),
    );
    secret.hidden = false;
    (secret.firstChild as HTMLElement).focus();
  }

  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const token = feedback.token();
      if (!token) return;
      feedback.clear();
      feedback.say('Creating the key…');
      try {
        const created = await sendJson<ApiKeyView & { key: string }>(
          'POST',
          '/api/v1/api-keys',
          token,
          apiKeyBody({
            name: name.value,
            reads: readsAll.checked ? 'all' : 'some',
            workspaces: workspaces.value,
            manageKeys: manageKeys.checked,
            expiresInDays: days.value,
          }),
        );
        createForm.reset();
        syncWorkspaces();
        feedback.say(`The key ${created.name} was created; it expires ${formatTime(created.expiresAt)}.`);
        showOnce(created);
        await load();
      } catch (failure) {
        feedback.failed(failure, 'Creating the key');
      }
    })();
  });
  void load();
}

export const apiKeysPage: AdminPage = { path: 'api-keys', title: 'API Keys', render };
