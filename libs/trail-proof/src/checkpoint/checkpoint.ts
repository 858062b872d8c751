import { createHash } from 'node:crypto';
import { canonicalJson } from '@meshtrail/contracts';
import type { TrailPosition } from '@meshtrail/audit-store';

export const CHECKPOINT_FORMAT = 'meshtrail.checkpoint.v1';

/** What a retention run removed, as a purge checkpoint records it. */
export interface PurgeRecord {
  /** The purge request this seals (audit_purge_requests.id). */
  request: string;
  /** Every audit event that occurred before this instant may be gone. */
  cutoff: string;
  requestedAt: string;
}

/**
 * A signed statement about the trail. An `events` checkpoint seals the events after `after` up
 * to `last` in commit order (its Merkle root over their leaves); a `purge` checkpoint records a
 * retention run's removal. Each names the hash of the one before it: one chain.
 */
export interface Checkpoint {
  number: number;
  kind: 'events' | 'purge';
  /** The previous checkpoint's last position: this one covers (after, last]. */
  after: TrailPosition;
  first: TrailPosition | null;
  last: TrailPosition;
  count: number;
  /** Merkle root (hex) over the leaves. */
  root: string;
  /** The previous checkpoint's hash (hex), null for the first. */
  previous: string | null;
  sealedAt: string;
  keyId: string;
  purge: PurgeRecord | null;
}

/** A checkpoint with its signature and leaf list: what is stored, published and exported. */
export interface SignedCheckpoint extends Checkpoint {
  /** Ed25519 over the signed bytes, base64. */
  signature: string;
  /** The leaves (56 bytes each), base64: committed to by the root, so any change shows. */
  leaves: string;
}

/** The bytes that are signed and hashed: the canonical JSON of the checkpoint without signature and leaves. */
export function signedBytes(checkpoint: Checkpoint): Buffer {
  const body = {
    format: CHECKPOINT_FORMAT,
    number: checkpoint.number,
    kind: checkpoint.kind,
    after: checkpoint.after,
    first: checkpoint.first,
    last: checkpoint.last,
    count: checkpoint.count,
    root: checkpoint.root,
    previous: checkpoint.previous,
    sealedAt: checkpoint.sealedAt,
    keyId: checkpoint.keyId,
    purge: checkpoint.purge,
  };
  return Buffer.from(canonicalJson(body), 'utf8');
}

/** SHA-256 (hex) of the signed bytes: what the next checkpoint names as `previous`. */
export function checkpointHash(checkpoint: Checkpoint): string {
  return createHash('sha256').update(signedBytes(checkpoint)).digest('hex');
}

/** A checkpoint from its JSON (a checkpoints file line, a Kafka record, an API answer), or why not. */
export function parseCheckpoint(value: unknown): SignedCheckpoint | string {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const c = value as Record<string, unknown>;
  const isPosition = (p: unknown) =>
    typeof p === 'object' &&
    p !== null &&
    /^\d+$/.test(String((p as TrailPosition).xactId)) &&
    /^-?\d+$/.test(String((p as TrailPosition).seq));
  if (!Number.isSafeInteger(c.number) || (c.number as number) < 1) return 'number must be a positive integer';
  if (c.kind !== 'events' && c.kind !== 'purge') return 'kind must be events or purge';
  if (!isPosition(c.after) || !isPosition(c.last) || (c.first !== null && !isPosition(c.first))) {
    return 'after, first and last must be positions {xactId, seq}';
  }
  if (!Number.isSafeInteger(c.count) || (c.count as number) < 0) return 'count must be a whole number';
  for (const field of ['root', 'sealedAt', 'keyId', 'signature', 'leaves']) {
    if (typeof c[field] !== 'string') return `${field} must be a string`;
  }
  if (c.previous !== null && typeof c.previous !== 'string') return 'previous must be a string or null';
  return {
    number: c.number as number,
    kind: c.kind,
    after: pick(c.after as TrailPosition),
    first: c.first === null ? null : pick(c.first as TrailPosition),
    last: pick(c.last as TrailPosition),
    count: c.count as number,
    root: c.root as string,
    previous: (c.previous as string | null) ?? null,
    sealedAt: c.sealedAt as string,
    keyId: c.keyId as string,
    purge: (c.purge as PurgeRecord | null | undefined) ?? null,
    signature: c.signature as string,
    leaves: c.leaves as string,
  };
}

function pick(position: TrailPosition): TrailPosition {
  return { xactId: String(position.xactId), seq: String(position.seq) };
}
