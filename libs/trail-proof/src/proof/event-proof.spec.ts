import { generateKeyPairSync } from 'node:crypto';
import { fixtureCloudEvent } from '../../../../test/support/audit-events';
import { publicKeySet, signerFromPem } from '../checkpoint/seal-keys';
import { entryDigestOfEvent, type SealedLeaf } from '../checkpoint/sealed-leaf';
import { composeCheckpoint } from '../seal/compose-checkpoint';
import { checkEventProof, proveInclusion, type EventInclusionProof } from './event-proof';

const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signer: signerFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    keys: publicKeySet([{ pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }]),
  };
};

const events = Array.from({ length: 11 }, (_, i) =>
  fixtureCloudEvent({
    id: `e-${i}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, i)),
    workspace: 'ws-1',
    objectType: 'Project',
    objectId: `p-${i}`,
    action: 'created',
    actor: { kind: 'user', id: 'u-1', displayName: 'Jane' },
    change: `created project p-${i}`,
  }),
);
/** Positions 98 to 108 of transaction 5000: their texts sort otherwise than their numbers. */
const positionOf = (i: number) => ({ xactId: '5000', seq: String(98 + i) });
const leaves: SealedLeaf[] = events.map((event, i) => ({
  position: positionOf(i),
  occurredUs: BigInt(Date.parse(event.time)) * 1000n,
  entry: entryDigestOfEvent(event.id, event),
}));

describe('event inclusion proofs', () => {
  const { signer, keys } = pair();
  const checkpoint = composeCheckpoint(undefined, { leaves }, signer, new Date('2026-01-02T00:00:00Z'));
  const stored = (i: number) => ({ id: events[i].id, event: JSON.parse(JSON.stringify(events[i])) as unknown });

  it('proves every event of a checkpoint against its signed root, and the proof verifies with the public key', () => {
    for (let i = 0; i < events.length; i++) {
      const proof = proveInclusion(checkpoint, positionOf(i))!;
      expect(proof).toMatchObject({ index: i, treeSize: 11, leafFields: { position: positionOf(i) } });
      expect(proof.checkpoint).not.toHaveProperty('leaves');
      expect(checkEventProof(proof, stored(i), keys)).toEqual({
        eventMatchesLeaf: true,
        leafInRoot: true,
        signature: 'valid',
        verified: true,
      });
    }
  });

  it('survives a trip through JSON, as a client receives it', () => {
    const proof = JSON.parse(JSON.stringify(proveInclusion(checkpoint, positionOf(7)))) as EventInclusionProof;
    expect(checkEventProof(proof, stored(7), keys).verified).toBe(true);
  });

  it('fails when the event is altered, or is another event', () => {
    const proof = proveInclusion(checkpoint, positionOf(3))!;
    const altered = stored(3);
    (altered.event as { data: { change: string } }).data.change = 'nothing happened';
    expect(checkEventProof(proof, altered, keys)).toEqual({
      eventMatchesLeaf: false,
      leafInRoot: true,
      signature: 'valid',
      verified: false,
    });
    expect(checkEventProof(proof, { ...stored(3), id: 'e-other' }, keys).verified).toBe(false);
    expect(checkEventProof(proof, stored(4), keys).eventMatchesLeaf).toBe(false);
  });

  it('fails when the path, the index, the leaf or the root is altered', () => {
    const proof = proveInclusion(checkpoint, positionOf(5))!;
    const flipped = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;
    const variants: EventInclusionProof[] = [
      { ...proof, auditPath: [flipped(proof.auditPath[0]), ...proof.auditPath.slice(1)] },
      { ...proof, auditPath: proof.auditPath.slice(1) },
      { ...proof, index: 4 },
      { ...proof, treeSize: 12 },
      { ...proof, leaf: flipped(proof.leaf.slice(0, 48)) + proof.leaf.slice(48) },
      { ...proof, auditPath: ['not hex', ...proof.auditPath.slice(1)] },
    ];
    for (const variant of variants) expect(checkEventProof(variant, stored(5), keys).leafInRoot).toBe(false);
    const forgedRoot = { ...proof, checkpoint: { ...proof.checkpoint, root: flipped(proof.checkpoint.root) } };
    expect(checkEventProof(forgedRoot, stored(5), keys)).toMatchObject({ leafInRoot: false, signature: 'invalid' });
  });

  it('names a signature it could not check, a key it does not know and a bad one apart', () => {
    const proof = proveInclusion(checkpoint, positionOf(0))!;
    expect(checkEventProof(proof, stored(0)).signature).toBe('not-checked');
    expect(checkEventProof(proof, stored(0)).verified).toBe(false);
    expect(checkEventProof(proof, stored(0), pair().keys).signature).toBe('unknown-key');
    const otherSigner = { keyId: signer.keyId, sign: pair().signer.sign };
    const forged = composeCheckpoint(undefined, { leaves }, otherSigner, new Date('2026-01-02T00:00:00Z'));
    expect(checkEventProof(proveInclusion(forged, positionOf(0))!, stored(0), keys).signature).toBe('invalid');
  });

  it('has no proof for a position the checkpoint sealed nothing at', () => {
    expect(proveInclusion(checkpoint, { xactId: '5000', seq: '97' })).toBeUndefined();
    expect(proveInclusion(checkpoint, { xactId: '5000', seq: '109' })).toBeUndefined();
    expect(proveInclusion(checkpoint, { xactId: '4999', seq: '100' })).toBeUndefined();
    const single = composeCheckpoint(checkpoint, { leaves: leaves.slice(0, 1) }, signer, new Date());
    const proof = proveInclusion(single, positionOf(0))!;
    expect(proof).toMatchObject({ index: 0, treeSize: 1, auditPath: [] });
    expect(checkEventProof(proof, stored(0), keys).verified).toBe(true);
  });
});
