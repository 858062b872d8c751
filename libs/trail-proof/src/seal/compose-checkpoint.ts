import { TRAIL_START } from '@meshtrail/audit-store';
import { checkpointHash, type SignedCheckpoint } from '../checkpoint/checkpoint';
import type { CheckpointSigner } from '../checkpoint/seal-keys';
import { encodeLeaves, leafHashes, type SealedLeaf } from '../checkpoint/sealed-leaf';
import { merkleRoot } from '../merkle/merkle-tree';
import type { PurgeRecord } from '../checkpoint/checkpoint';

/** The checkpoint after `previous` sealing `leaves` (commit order), or recording `purge`; signed. */
export function composeCheckpoint(
  previous: SignedCheckpoint | undefined,
  content: { leaves: readonly SealedLeaf[] } | { purge: PurgeRecord },
  signer: CheckpointSigner,
  now: Date,
): SignedCheckpoint {
  const after = previous?.last ?? TRAIL_START;
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
