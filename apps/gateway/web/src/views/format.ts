import type { EventView } from '../api/events-api';

/** "2026-03-01 08:00:00 UTC": one zone for everyone reading the same trail. */
export function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** The Event column: the object's type and name ("LandingZone Cloud Foundation"), its id when unnamed. */
export function eventLabel(event: Pick<EventView, 'objectType' | 'objectName' | 'objectId'>): string {
  return `${event.objectType} ${event.objectName ?? event.objectId}`;
}

export function actorLabel(actor: EventView['actor']): string {
  return actor.name && actor.name !== actor.id ? `${actor.name} (${actor.id})` : actor.id;
}

/** One side of a diff entry, as text: absent values show as an em dash, structures as JSON. */
export function diffValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export interface DiffRow {
  field: string;
  from: string;
  to: string;
}

/** The structured diff of an event ([{field, from, to}]) as rows; anything else in `changes` is ignored. */
export function diffRows(changes: unknown): DiffRow[] {
  if (!Array.isArray(changes)) return [];
  return changes
    .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
    .map((c) => ({ field: diffValue(c.field), from: diffValue(c.from), to: diffValue(c.to) }));
}
