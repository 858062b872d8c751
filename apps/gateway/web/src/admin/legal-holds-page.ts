import { getJson, sendJson } from '../api/http';
import type { AdminPage, ViewContext } from '../pages/view-context';
import { h } from '../views/dom';
import { formatTime } from '../views/format';
import { actorName, type Actor } from './admin-format';
import { button, confirm, dataTable, Feedback, field, input, setRows, wrapTable } from './admin-kit';

interface LegalHoldView {
  id: number;
  workspace: string;
  reason: string;
  placedBy: Actor;
  placedAt: string;
  releasedBy?: Actor;
  releasedAt?: string;
  releaseReason?: string;
}

/**
 * Legal Holds: the workspaces whose data retention keeps until the hold is released; holds
 * placed and released with a reason (each an audit event naming who did it).
 */
function render(container: HTMLElement, context: ViewContext): void {
  const workspace = input('hold-workspace', 'workspace', { maxlength: '256', required: '' });
  const reason = h('textarea', { id: 'hold-reason', name: 'reason', rows: '2', maxlength: '1024', required: '' });
  const feedback = new Feedback(context, { workspace, reason }, { 'LEGAL_HOLD.ALREADY_HELD': 'workspace' });
  const placeForm = h(
    'form',
    { class: 'admin-form', 'aria-labelledby': 'place-hold-title', novalidate: '' },
    h('h2', { id: 'place-hold-title' }, 'Place a legal hold'),
    h(
      'div',
      { class: 'admin-fields' },
      field(workspace, 'Workspace', 'The workspace id, e.g. ws-42.'),
      field(reason, 'Reason', 'Why the data must be kept, e.g. the case number.'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Place hold')),
  );
  const showReleased = h('input', { id: 'holds-show-released', type: 'checkbox' });
  const table = dataTable('legal-holds', 'Legal holds', [
    { label: 'Workspace' },
    { label: 'Reason' },
    { label: 'Placed by' },
    { label: 'Placed (UTC)' },
    { label: 'Released' },
    { label: 'Actions', hidden: true },
  ]);
  container.append(
    h(
      'p',
      { class: 'lead' },
      'A workspace under a legal hold keeps all its data beyond every retention period until the hold is released.',
    ),
    placeForm,
    feedback.status,
    feedback.error,
    h(
      'div',
      { class: 'admin-toggle' },
      showReleased,
      h('label', { for: 'holds-show-released' }, 'Show released holds too'),
    ),
    wrapTable(table),
  );

  async function load(): Promise<void> {
    const token = feedback.token();
    if (!token) return;
    try {
      const { holds } = await getJson<{ holds: LegalHoldView[] }>('/api/v1/admin/legal-holds', token, {
        all: showReleased.checked ? 'true' : undefined,
      });
      table.caption!.textContent = showReleased.checked ? 'Legal holds, in force and released' : 'Legal holds in force';
      setRows(
        table,
        holds.map((hold) => [
          { text: hold.workspace, header: true },
          hold.reason,
          actorName(hold.placedBy),
          h('time', { datetime: hold.placedAt }, formatTime(hold.placedAt)),
          hold.releasedAt
            ? `${formatTime(hold.releasedAt)} by ${actorName(hold.releasedBy)}: ${hold.releaseReason ?? ''}`
            : 'In force',
          hold.releasedAt ? '' : releaseButton(hold),
        ]),
        showReleased.checked ? 'No legal holds have been placed.' : 'No legal holds are in force.',
      );
    } catch (failure) {
      feedback.failed(failure, 'Loading the legal holds');
    }
  }

  function releaseButton(hold: LegalHoldView): HTMLButtonElement {
    const release = button('Release', { 'aria-label': `Release the hold on ${hold.workspace}` });
    release.addEventListener('click', () => {
      void confirm(context, {
        title: `Release the hold on ${hold.workspace}?`,
        message: `Once released, retention deletes ${hold.workspace}’s data that is older than its retention period at the next run.`,
        confirmLabel: 'Release hold',
        reasonLabel: 'Reason for the release',
        action: async (why) => {
          const token = feedback.token();
          if (!token) return;
          await sendJson('POST', `/api/v1/admin/legal-holds/${encodeURIComponent(hold.workspace)}/release`, token, {
            reason: why,
          });
          feedback.clear();
          feedback.say(`The hold on ${hold.workspace} was released.`);
          await load();
        },
        // the row's button is gone: the table is where the change shows
        focusAfter: () => table,
      });
    });
    return release;
  }

  placeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const token = feedback.token();
      if (!token) return;
      feedback.clear();
      feedback.say('Placing the hold…');
      try {
        const hold = await sendJson<LegalHoldView>('POST', '/api/v1/admin/legal-holds', token, {
          workspace: workspace.value.trim(),
          reason: reason.value.trim(),
        });
        workspace.value = reason.value = '';
        feedback.say(`${hold.workspace} is now under a legal hold.`);
        await load();
        table.focus();
      } catch (failure) {
        feedback.failed(failure, 'Placing the hold');
      }
    })();
  });
  showReleased.addEventListener('change', () => void load());
  void load();
}

export const legalHoldsPage: AdminPage = { path: 'legal-holds', title: 'Legal Holds', render };
