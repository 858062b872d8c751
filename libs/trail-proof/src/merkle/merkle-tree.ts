import { createHash } from 'node:crypto';

/** RFC 6962 / RFC 9162 domain separation: a leaf can never be read as an interior node. */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Subtree roots already computed, by start and size: a tree's interior nodes, filled as paths need them. */
type SubtreeMemo = Map<number, Buffer>;

/** MTH(D[n]) of RFC 6962 section 2.1 over leaf hashes; the empty tree's hash is SHA-256 of nothing. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return createHash('sha256').digest();
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

function subtreeRoot(leaves: readonly Uint8Array[], start: number, size: number, memo?: SubtreeMemo): Buffer {
  if (size === 1) return Buffer.from(leaves[start]);
  // a subtree is named by its start and size; sizes are below 2^31, so the key is exact
  const key = start * 2 ** 31 + size;
  const known = memo?.get(key);
  if (known) return known;
  const k = splitPoint(size);
  const root = nodeHash(subtreeRoot(leaves, start, k, memo), subtreeRoot(leaves, start + k, size - k, memo));
  memo?.set(key, root);
  return root;
}

/** PATH(m, D[n]) of RFC 6962 section 2.1.1: the audit path of leaf `index`, bottom first. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, memo?: SubtreeMemo): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new RangeError(`leaf ${index} is not in a tree of ${leafHashes.length}`);
  }
  return path(leafHashes, index, 0, leafHashes.length, memo);
}

function path(leaves: readonly Uint8Array[], index: number, start: number, size: number, memo?: SubtreeMemo): Buffer[] {
  if (size === 1) return [];
  const k = splitPoint(size);
  return index < k
    ? [...path(leaves, index, start, k, memo), subtreeRoot(leaves, start + k, size - k, memo)]
    : [...path(leaves, index - k, start + k, size - k, memo), subtreeRoot(leaves, start, k, memo)];
}

/**
 * A tree over fixed leaf hashes that remembers the subtree roots it computes: the first audit
 * path costs the whole tree (n - 1 node hashes), every later one of the same tree a lookup per
 * level. For answering many proofs out of one checkpoint.
 */
export class MerkleTree {
  private readonly memo: SubtreeMemo = new Map();

  constructor(readonly leafHashes: readonly Uint8Array[]) {}

  inclusionProof(index: number): Buffer[] {
    return inclusionProof(this.leafHashes, index, this.memo);
  }
}

/**
 * The root an inclusion proof leads to (RFC 9162 section 2.1.3.2), or undefined when the proof
 * has the wrong length for the leaf's place in a tree of `size`.
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer | undefined {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  return computed !== undefined && computed.equals(root);
}
