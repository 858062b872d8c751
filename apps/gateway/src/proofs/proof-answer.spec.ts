import { generateKeyPairSync } from 'node:crypto';
import {
  CheckpointProver,
  composeCheckpoint,
  entryDigestOfEvent,
  publicKeySet,
  signerFromPem,
} from '@meshtrail/trail-proof';
import { proofAnswer } from './proof-answer';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signer = signerFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const keys = publicKeySet([{ pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }]);
const at = (seq: number) => ({ xactId: '700', seq: String(seq) });
const event = (seq: number) => ({ id: `e-${seq}`, data: { change: `change ${seq}` } });
const checkpoint = composeCheckpoint(
  undefined,
  {
    leaves: [1, 2, 3].map((seq) => ({
      position: at(seq),
      occurredUs: 0n,
      entry: entryDigestOfEvent(`e-${seq}`, event(seq)),
    })),
  },
  signer,
  new Date('2026-01-01T00:00:00Z'),
);
const prover = new CheckpointProver(checkpoint);
const subject = (seq: number, stored = event(seq)) => ({ id: `e-${seq}`, position: at(seq), event: stored });

describe('the answer of GET /api/v1/events/{id}/proof', () => {
  it('proves a covered event and says what it checked, with keys and without', () => {
    expect(proofAnswer(subject(2), { kind: 'covered', prover }, keys)).toMatchObject({
      eventId: 'e-2',
      sealed: true,
      position: at(2),
      index: 1,
      treeSize: 3,
      checkpoint: { number: 1 },
      checks: { eventMatchesLeaf: true, leafInRoot: true, signature: 'valid', verified: true },
    });
    expect(proofAnswer(subject(2), { kind: 'covered', prover }, undefined)).toMatchObject({
      checks: { signature: 'not-checked', verified: false },
    });
  });

  it('still gives the proof of an event stored otherwise than sealed, and says that it does not match', () => {
    const altered = { ...event(3), data: { change: 'nothing happened' } };
    expect(proofAnswer(subject(3, altered), { kind: 'covered', prover }, keys)).toMatchObject({
      sealed: true,
      checks: { eventMatchesLeaf: false, leafInRoot: true, verified: false },
    });
  });

  it('names why there is no proof: not sealed yet, or not in the checkpoint that covers its position', () => {
    expect(proofAnswer(subject(9), { kind: 'pending' }, keys)).toMatchObject({
      sealed: false,
      code: 'PROOF.NOT_SEALED_YET',
    });
    const inserted = { id: 'forged', position: { xactId: '700', seq: '0' }, event: {} };
    expect(proofAnswer(inserted, { kind: 'covered', prover }, keys)).toMatchObject({
      sealed: false,
      code: 'PROOF.NOT_IN_CHECKPOINT',
      message: expect.stringContaining('checkpoint 1'),
    });
    expect(proofAnswer(subject(2), { kind: 'uncovered' }, keys)).toMatchObject({
      sealed: false,
      code: 'PROOF.NOT_IN_CHECKPOINT',
      message: expect.stringContaining('a checkpoint is missing'),
    });
  });
});
