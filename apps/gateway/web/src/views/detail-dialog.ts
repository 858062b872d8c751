import type { EventView, ProofAnswer } from '../api/events-api';
import { byId, h } from './dom';
import { actorLabel, diffRows, eventLabel, formatTime, sealSummary, workspaceLabel } from './format';

function definition(term: string, value: string | null | undefined): Node[] {
  return [h('dt', {}, term), h('dd', {}, value === null || value === undefined || value === '' ? '—' : value)];
}

function diffTable(event: EventView): HTMLElement {
  const rows = diffRows(event.changes);
  if (rows.length === 0) return h('p', {}, 'No structured changes were recorded for this event.');
  return h(
    'table',
    { class: 'diff' },
    h('caption', {}, 'What changed'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Field'),
        h('th', { scope: 'col' }, 'From'),
        h('th', { scope: 'col' }, 'To'),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((row) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, row.field),
          h('td', { class: 'from' }, row.from),
          h('td', { class: 'to' }, row.to),
        ),
      ),
    ),
  );
}

function workspaceText(event: EventView): string {
  const { name, id } = workspaceLabel(event);
  return id === undefined ? name : `${name} (${id})`;
}

/** The event's full detail: every attribute, the seal, the structured diff (field, from, to) and the CloudEvent as published. */
export function renderDetail(event: EventView, proof: ProofAnswer | Error): void {
  const seal = sealSummary(proof);
  byId('detail-title').textContent = `${eventLabel(event)} ${event.action}`;
  byId('detail-error').textContent = '';
  const body = byId('detail-body');
  body.replaceChildren(
    h(
      'dl',
      { class: 'facts' },
      ...definition('Time', formatTime(event.time)),
      ...definition('Event', eventLabel(event)),
      ...definition('Type', event.action),
      ...definition('Change', event.change),
      ...definition('Workspace', workspaceText(event)),
      ...definition('Actor', `${actorLabel(event.actor)}, ${event.actor.kind}`),
      ...definition('Object id', event.objectId),
      ...definition('Source', event.source),
      ...definition('CloudEvents type', event.type),
      ...definition('Source IP', event.sourceIp),
      ...definition('Correlation id', event.correlationId),
      ...definition('Ingested', formatTime(event.ingestedAt)),
      ...definition('Event id', event.id),
      ...definition('SHA-256', event.hash),
      h('dt', {}, 'Seal'),
      h('dd', {}, h('span', { id: 'detail-seal', class: 'seal', 'data-state': seal.state }, seal.text)),
    ),
    h('h3', {}, 'Changes'),
    diffTable(event),
    h(
      'details',
      {},
      h('summary', {}, 'Full CloudEvent'),
      h(
        'pre',
        // it scrolls: focusable so that keyboard users can scroll it too
        { tabindex: '0', 'aria-label': 'The CloudEvent as published' },
        JSON.stringify(event.event ?? event, null, 2),
      ),
    ),
  );
}

export function renderDetailError(message: string): void {
  byId('detail-title').textContent = 'Event';
  byId('detail-body').replaceChildren();
  byId('detail-error').textContent = message;
}
