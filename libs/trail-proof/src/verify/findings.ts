import type { TrailPosition } from '@meshtrail/audit-store';

/** What verification can find wrong, each with a stable code. */
export type Problem =
  | 'event-modified'
  | 'event-missing'
  | 'event-inserted'
  | 'events-reordered'
  | 'checkpoint-signature-invalid'
  | 'checkpoint-missing'
  | 'checkpoint-altered'
  | 'chain-broken';

export interface Finding {
  problem: Problem;
  /** One line for a person: what, where, how. */
  message: string;
  checkpoint?: number;
  id?: string;
  position?: TrailPosition;
  /** Where the event was sealed, when it now stands elsewhere. */
  sealedAt?: TrailPosition;
  /** A run of missing events or checkpoints: how many, and the last of them. */
  count?: number;
  lastPosition?: TrailPosition;
}

export interface VerifyReport {
  ok: boolean;
  checkpoints: number;
  /** Events found exactly as sealed. */
  eventsVerified: number;
  /** Sealed events absent because a signed purge removed them. */
  eventsPurged: number;
  /** Events after the last checkpoint: not sealed yet, so nothing to verify them against. */
  eventsUnsealed: number;
  findings: Finding[];
}

export function at(position: TrailPosition): string {
  return `(xact ${position.xactId}, seq ${position.seq})`;
}
