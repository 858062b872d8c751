import { checkpointHash, type SignedCheckpoint } from '../checkpoint/checkpoint';
import type { CheckpointSigner } from '../checkpoint/seal-keys';
import { encodeLeaves, leafHashes, type SealedLeaf, type TrailPosition } from '../checkpoint/sealed-leaf';
import { merkleRoot } from '../merkle/merkle-tree';
import type { PurgeRecord } from '../checkpoint/checkpoint';

/** Where the first checkpoint starts: before every position. */
export const ORIGIN: TrailPosition = { xactId: '0', seq: '0' };

/** The checkpoint after `previous` sealing `leaves` (commit order), or recording `purge`; signed. */
export function composeCheckpoint(
  previous: SignedCheckpoint | undefined,
  content: { leaves: readonly SealedLeaf[] } | { purge: PurgeRecord },
  signer: CheckpointSigner,
  now: Date,
): SignedCheckpoint {
  const after = previous?.last ?? ORIGIN;
  const leaves = 'leaves' in content ? content.leaves : [];
  const encoded = encodeLeaves(leaves);
  const unsigned = {
    number: (previous?.number ?? 0) + 1,
    kind: 'leaves' in content ? ('events' as const) : ('purge' as const),
    after,
    first: leaves.length ? leaves[0].position : null,
    last: leaves.length ? leaves[leaves.length - 1].position : after,
    count: leaves.length,
    root: merkleRoot(leafHashes(encoded)).toString('hex'),
    previous: previous ? checkpointHash(previous) : null,
    sealedAt: now.toISOString(),
    keyId: signer.keyId,
    purge: 'purge' in content ? content.purge : null,
  };
  return { ...unsigned, signature: signer.sign(unsigned), leaves: encoded.toString('base64') };
}
