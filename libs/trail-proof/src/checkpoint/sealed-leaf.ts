import { createHash } from 'node:crypto';
import { canonicalHash, canonicalJson } from '@meshtrail/contracts';
import type { TrailPosition } from '@meshtrail/audit-store';
import { leafHash } from '../merkle/merkle-tree';

/** One sealed event as its checkpoint keeps it: where it stood, when it happened, and what it was. */
export interface SealedLeaf {
  position: TrailPosition;
  /** occurred_at in microseconds since 1970 (negative before). */
  occurredUs: bigint;
  /** SHA-256 of the canonical {hash, id} of the event: its content and its id, not its place. */
  entry: Buffer;
}

/** Bytes of one leaf: xact_id (u64), seq (i64), occurred_at µs (i64), entry digest (32), big-endian. */
export const LEAF_BYTES = 56;

/** The entry digest of an event: binds its id to the SHA-256 of its canonical form. */
export function entryDigest(id: string, contentHash: string): Buffer {
  return createHash('sha256')
    .update(canonicalJson({ hash: contentHash, id }))
    .digest();
}

/** The entry digest recomputed from the raw event as stored (never from a stored hash). */
export function entryDigestOfEvent(id: string, event: unknown): Buffer {
  return entryDigest(id, canonicalHash(event));
}

export function encodeLeaf(leaf: SealedLeaf): Buffer {
  const bytes = Buffer.alloc(LEAF_BYTES);
  bytes.writeBigUInt64BE(BigInt(leaf.position.xactId), 0);
  bytes.writeBigInt64BE(BigInt(leaf.position.seq), 8);
  bytes.writeBigInt64BE(leaf.occurredUs, 16);
  leaf.entry.copy(bytes, 24);
  return bytes;
}

export function decodeLeaf(bytes: Buffer, offset = 0): SealedLeaf {
  return {
    position: {
      xactId: bytes.readBigUInt64BE(offset).toString(),
      seq: bytes.readBigInt64BE(offset + 8).toString(),
    },
    occurredUs: bytes.readBigInt64BE(offset + 16),
    entry: Buffer.from(bytes.subarray(offset + 24, offset + LEAF_BYTES)),
  };
}

export function encodeLeaves(leaves: readonly SealedLeaf[]): Buffer {
  return Buffer.concat(leaves.map(encodeLeaf));
}

/** The leaves of a checkpoint's leaf list, or undefined when its length is not a whole number of leaves. */
export function decodeLeaves(bytes: Buffer): SealedLeaf[] | undefined {
  if (bytes.length % LEAF_BYTES !== 0) return undefined;
  const leaves: SealedLeaf[] = [];
  for (let offset = 0; offset < bytes.length; offset += LEAF_BYTES) leaves.push(decodeLeaf(bytes, offset));
  return leaves;
}

/** The Merkle leaf hash of each leaf of an encoded leaf list. */
export function leafHashes(bytes: Buffer): Buffer[] {
  const hashes: Buffer[] = [];
  for (let offset = 0; offset + LEAF_BYTES <= bytes.length; offset += LEAF_BYTES) {
    hashes.push(leafHash(bytes.subarray(offset, offset + LEAF_BYTES)));
  }
  return hashes;
}

export function positionKey(position: TrailPosition): string {
  return `${position.xactId}:${position.seq}`;
}

/** Microseconds since 1970 of an RFC 3339 timestamp with up to nine fraction digits. */
export function isoToMicros(text: string): bigint | undefined {
  const match = /^(\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3].toUpperCase()}`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = BigInt((match[2] ?? '').padEnd(6, '0').slice(0, 6));
  return BigInt(seconds) * 1000n + fraction;
}

export function microsToIso(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  const rest = us - ms * 1000n;
  const base = new Date(Number(ms)).toISOString();
  return `${base.slice(0, -1)}${rest.toString().padStart(3, '0')}Z`;
}
