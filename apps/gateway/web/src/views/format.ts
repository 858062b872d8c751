import type { EventView, ProofAnswer } from '../api/events-api';

/** "2026-03-01 08:00:00 UTC": one zone for everyone reading the same trail. */
export function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** The Event column: the object's type and name ("LandingZone Cloud Foundation"), its id when unnamed. */
export function eventLabel(event: Pick<EventView, 'objectType' | 'objectName' | 'objectId'>): string {
  return `${event.objectType} ${event.objectName ?? event.objectId}`;
}

/**
 * The Workspace column: the workspace's name with its id beside it ("Payments Team (ws-1)"), the
 * id alone where no `Workspace` event named it, "global" for events of no workspace.
 */
export function workspaceLabel(event: Pick<EventView, 'workspace' | 'workspaceName'>): { name: string; id?: string } {
  if (!event.workspace) return { name: 'global' };
  if (!event.workspaceName || event.workspaceName === event.workspace) return { name: event.workspace };
  return { name: event.workspaceName, id: event.workspace };
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

/** Whether the event is sealed and its proof held, as one state (for styling and tests) and one line (for people). */
export function sealSummary(proof: ProofAnswer | Error): { state: string; text: string } {
  if (proof instanceof Error) return { state: 'unknown', text: `Could not be checked: ${proof.message}` };
  if (!proof.sealed) {
    if (proof.code === 'PROOF.NOT_SEALED_YET')
      return { state: 'pending', text: 'Not sealed yet (the next checkpoint will seal it)' };
    if (proof.code === 'PROOF.NOT_SEALABLE')
      return { state: 'unsealable', text: 'Not part of the sealed trail (Keycloak event)' };
    return { state: 'failed', text: `Not in its checkpoint: ${proof.message}` };
  }
  const where = `checkpoint ${proof.checkpoint.number} (leaf ${proof.index + 1} of ${proof.treeSize}, sealed ${formatTime(proof.checkpoint.sealedAt)})`;
  const { checks } = proof;
  if (checks.verified) return { state: 'verified', text: `Sealed in ${where}; proof verified by the gateway` };
  if (!checks.eventMatchesLeaf)
    return { state: 'failed', text: `Sealed in ${where}, but the stored event is not what was sealed` };
  if (!checks.leafInRoot)
    return { state: 'failed', text: `Sealed in ${where}, but the proof does not lead to the signed root` };
  if (checks.signature === 'not-checked')
    return {
      state: 'unchecked',
      text: `Sealed in ${where}; the gateway has no public key to check the signature with`,
    };
  return {
    state: 'failed',
    text: `Sealed in ${where}, but the checkpoint's signature is ${checks.signature === 'invalid' ? 'invalid' : 'by an unknown key'}`,
  };
}
