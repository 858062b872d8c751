import { compareTrailPositions, type TrailPosition } from '@meshtrail/audit-store';
import type { SignedCheckpoint } from '../checkpoint/checkpoint';
import type { CheckpointHead } from '../checkpoint/checkpoint.store';
import { signatureValid, type PublicKeySet } from '../checkpoint/seal-keys';
import { decodeLeaf, entryDigestOfEvent, LEAF_BYTES, leafHashes, microsToIso } from '../checkpoint/sealed-leaf';
import { leafHash, MerkleTree, verifyInclusion } from '../merkle/merkle-tree';

/**
 * That one event is in a signed checkpoint: its leaf (the 56 bytes sealed for it), the leaf's
 * place in the checkpoint's RFC 6962 tree and the audit path from it to the signed root. Every
 * binary value is lower-case hex; the audit path is bottom first (RFC 6962 PATH).
 */
export interface EventInclusionProof {
  /** The leaf's 56 bytes: position (xact_id u64, seq i64), occurred_at µs (i64), entry digest (32 bytes). */
  leaf: string;
  /** The leaf's fields, for people; the bytes above are what is hashed. */
  leafFields: { position: TrailPosition; occurredAt: string; entry: string };
  /** SHA-256(0x00 ‖ leaf). */
  leafHash: string;
  /** The leaf's index in the checkpoint's tree (0-based). */
  index: number;
  /** Leaves in the checkpoint's tree (= checkpoint.count). */
  treeSize: number;
  auditPath: string[];
  /** The checkpoint's signed fields and signature (its leaf list is not needed to check the proof). */
  checkpoint: CheckpointHead;
}

/** The checkpoint's signed fields and signature, without its leaf list. */
export function checkpointHeadOf(checkpoint: SignedCheckpoint): CheckpointHead {
  const { leaves: _leaves, ...signed } = checkpoint;
  return signed;
}

/**
 * Proves events out of one events checkpoint, from the checkpoint's own leaf list (the list its
 * root commits to). The first proof costs the whole tree, linear in the checkpoint's size (which
 * the sealer bounds: AUDIT_SEAL_MAX_EVENTS); later ones out of the same prover a lookup per
 * level, so keeping a prover for a recent checkpoint makes its proofs cheap.
 */
export class CheckpointProver {
  private readonly bytes: Buffer;
  private readonly size: number;
  private tree?: MerkleTree;

  constructor(readonly checkpoint: SignedCheckpoint) {
    this.bytes = Buffer.from(checkpoint.leaves, 'base64');
    this.size = Math.floor(this.bytes.length / LEAF_BYTES);
  }

  /** The proof of the leaf sealed at `position`, or undefined when the checkpoint sealed no leaf there. */
  prove(position: TrailPosition): EventInclusionProof | undefined {
    const index = leafIndexOf(this.bytes, this.size, position);
    if (index === undefined) return undefined;
    this.tree ??= new MerkleTree(leafHashes(this.bytes));
    const leafBytes = this.bytes.subarray(index * LEAF_BYTES, (index + 1) * LEAF_BYTES);
    const leaf = decodeLeaf(leafBytes);
    return {
      leaf: leafBytes.toString('hex'),
      leafFields: {
        position: leaf.position,
        occurredAt: microsToIso(leaf.occurredUs),
        entry: leaf.entry.toString('hex'),
      },
      leafHash: Buffer.from(this.tree.leafHashes[index]).toString('hex'),
      index,
      treeSize: this.size,
      auditPath: this.tree.inclusionProof(index).map((hash) => hash.toString('hex')),
      checkpoint: checkpointHeadOf(this.checkpoint),
    };
  }
}

/** The inclusion proof of the leaf sealed at `position` in an events checkpoint (see CheckpointProver). */
export function proveInclusion(checkpoint: SignedCheckpoint, position: TrailPosition): EventInclusionProof | undefined {
  return new CheckpointProver(checkpoint).prove(position);
}

/** Binary search: the sealer writes the leaves in commit order. */
function leafIndexOf(bytes: Buffer, size: number, position: TrailPosition): number | undefined {
  let low = 0;
  let high = size;
  while (low < high) {
    const mid = (low + high) >> 1;
    const order = compareTrailPositions(decodeLeaf(bytes, mid * LEAF_BYTES).position, position);
    if (order === 0) return mid;
    if (order < 0) low = mid + 1;
    else high = mid;
  }
  return undefined;
}

/** How a checkpoint's signature fared: no keys to check it with is not the same as a bad one. */
export type SignatureCheck = 'valid' | 'invalid' | 'unknown-key' | 'not-checked';

/** What checking a proof found, each part on its own, so a failure names which part failed. */
export interface ProofChecks {
  /** The event, its id and content hashed again, is what the leaf sealed (its entry digest). */
  eventMatchesLeaf: boolean;
  /** The leaf hash with the audit path leads to the checkpoint's signed root. */
  leafInRoot: boolean;
  /** The checkpoint's Ed25519 signature under the given keys. */
  signature: SignatureCheck;
  /** All three hold (the signature checked and valid). */
  verified: boolean;
}

const HEX = /^[0-9a-f]*$/;
const hexBytes = (text: unknown, length?: number): Buffer | undefined =>
  typeof text === 'string' &&
  HEX.test(text) &&
  text.length % 2 === 0 &&
  (length === undefined || text.length === length * 2)
    ? Buffer.from(text, 'hex')
    : undefined;

/**
 * Checks an inclusion proof against the event it is for (its id and the CloudEvent as stored, as
 * `GET /api/v1/events/{id}` answers it) and, when keys are given, the checkpoint's signature. The
 * client side of a proof: nothing here trusts the fields for people, only the leaf bytes, the
 * path and the signed checkpoint.
 */
export function checkEventProof(
  proof: EventInclusionProof,
  event: { id: string; event: unknown },
  keys?: PublicKeySet,
): ProofChecks {
  const leaf = hexBytes(proof.leaf, LEAF_BYTES);
  const root = hexBytes(proof.checkpoint.root, 32);
  const path = Array.isArray(proof.auditPath) ? proof.auditPath.map((hash) => hexBytes(hash, 32)) : [];
  const eventMatchesLeaf =
    leaf !== undefined && decodeLeaf(leaf).entry.equals(entryDigestOfEvent(event.id, event.event));
  const leafInRoot =
    leaf !== undefined &&
    root !== undefined &&
    path.every((hash) => hash !== undefined) &&
    proof.treeSize === proof.checkpoint.count &&
    verifyInclusion(proof.index, proof.treeSize, leafHash(leaf), path as Buffer[], root);
  const signature: SignatureCheck = !keys
    ? 'not-checked'
    : !keys.has(proof.checkpoint.keyId)
      ? 'unknown-key'
      : signatureValid(proof.checkpoint, keys)
        ? 'valid'
        : 'invalid';
  return { eventMatchesLeaf, leafInRoot, signature, verified: eventMatchesLeaf && leafInRoot && signature === 'valid' };
}
