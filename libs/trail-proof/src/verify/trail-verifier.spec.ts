import { generateKeyPairSync } from 'node:crypto';
import type { SignedCheckpoint } from '../checkpoint/checkpoint';
import { publicKeySet, signerFromPem } from '../checkpoint/seal-keys';
import { entryDigestOfEvent, type SealedLeaf } from '../checkpoint/sealed-leaf';
import { composeCheckpoint } from '../seal/compose-checkpoint';
import { TrailVerifier, type TrailEntry } from './trail-verifier';

const pair = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY = pair();
const signer = signerFromPem(KEY);
const keys = publicKeySet([{ pem: KEY }]);
const NOW = new Date('2025-06-01T00:00:00Z');

function entry(n: number, xactId = String(100 + Math.floor(n / 3))): TrailEntry {
  const id = `evt-${n}`;
  return {
    id,
    position: { xactId, seq: String(n) },
    occurredUs: BigInt(Date.parse('2025-05-01T00:00:00Z') + n * 1000) * 1000n,
    event: { id, specversion: '1.0', data: { change: `change ${n}` } },
  };
}

const leafOf = (e: TrailEntry): SealedLeaf => ({
  position: e.position,
  occurredUs: e.occurredUs,
  entry: entryDigestOfEvent(e.id, e.event),
});

/** Given events sealed in checkpoints of `size`, when `present` is what the store holds, then the report. */
function verify(sealedEvents: TrailEntry[], size: number, present: TrailEntry[], extra: SignedCheckpoint[] = []) {
  const chain: SignedCheckpoint[] = [];
  for (let i = 0; i < sealedEvents.length; i += size) {
    chain.push(composeCheckpoint(chain.at(-1), { leaves: sealedEvents.slice(i, i + size).map(leafOf) }, signer, NOW));
  }
  const verifier = new TrailVerifier([...chain, ...extra.map((f) => f)], keys);
  for (const e of present) verifier.add(e);
  return { report: verifier.finish(), chain };
}

const trail = Array.from({ length: 12 }, (_, i) => entry(i + 1));
const problems = (report: { findings: Array<{ problem: string }> }) => report.findings.map((f) => f.problem);

describe('TrailVerifier', () => {
  it('passes an untouched trail, in any order, and counts what is not sealed yet', () => {
    const { report } = verify(trail.slice(0, 10), 4, [...trail].reverse());
    expect(report).toMatchObject({ ok: true, checkpoints: 3, eventsVerified: 10, eventsUnsealed: 2, findings: [] });
  });

  it('names a modified event by id and position', () => {
    const changed = { ...trail[4], event: { ...(trail[4].event as object), data: { change: 'forged' } } };
    const { report } = verify(
      trail,
      4,
      trail.map((e) => (e === trail[4] ? changed : e)),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({ problem: 'event-modified', id: 'evt-5', position: trail[4].position, checkpoint: 2 }),
    ]);
  });

  it('names a missing event by position, a run of them once, and an inserted one', () => {
    const forged = entry(99, trail[6].position.xactId);
    forged.position = { xactId: trail[6].position.xactId, seq: '6.5'.replace('.5', '0') };
    const present = [...trail.filter((e) => ![2, 8, 9, 10].includes(Number(e.position.seq))), forged];
    const { report } = verify(trail, 12, present);
    expect(problems(report).sort()).toEqual(['event-inserted', 'event-missing', 'event-missing']);
    expect(report.findings.find((f) => f.problem === 'event-missing' && f.count === 3)).toMatchObject({
      position: trail[7].position,
      lastPosition: trail[9].position,
    });
  });

  it('names two swapped events as reordered, each with where it was sealed', () => {
    const a = { ...trail[1], position: trail[5].position };
    const b = { ...trail[5], position: trail[1].position };
    const { report } = verify(
      trail,
      12,
      trail.map((e) => (e === trail[1] ? a : e === trail[5] ? b : e)),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({ problem: 'events-reordered', id: 'evt-6', sealedAt: trail[5].position }),
      expect.objectContaining({ problem: 'events-reordered', id: 'evt-2', sealedAt: trail[1].position }),
    ]);
  });

  it('tells a forged checkpoint, a missing one and a broken chain apart', () => {
    const { chain } = verify(trail, 3, trail);
    const forged = { ...chain[1], root: '00'.repeat(32) };
    const foreign = composeCheckpoint(chain[2], { leaves: [] }, signerFromPem(pair()), NOW);
    // signed with the trusted key, but after another checkpoint 2 than the one kept
    const relinked = composeCheckpoint(
      { ...chain[1], root: 'ff'.repeat(32) },
      { leaves: trail.slice(6, 9).map(leafOf) },
      signer,
      NOW,
    );
    const run = (checkpoints: SignedCheckpoint[]) => {
      const verifier = new TrailVerifier(checkpoints, keys);
      trail.forEach((e) => verifier.add(e));
      return verifier.finish();
    };
    expect(problems(run([chain[0], forged, chain[2], chain[3]]))).toEqual(['checkpoint-signature-invalid']);
    expect(problems(run([chain[0], chain[1], chain[2], { ...foreign, number: 4 }]))).toContain(
      'checkpoint-signature-invalid',
    );
    const gap = run([chain[0], chain[2], chain[3]]);
    expect(problems(gap)).toContain('checkpoint-missing');
    expect(gap.findings[0].message).toBe('checkpoint 2 is missing (the chain goes from 1 to 3)');
    expect(problems(run([chain[0], chain[1], relinked, chain[3]]))).toContain('chain-broken');
  });

  it('accepts events removed by a signed purge, and only those older than its cutoff', () => {
    const { chain } = verify(trail, 6, trail);
    const cutoff = new Date(Number(trail[3].occurredUs / 1000n)).toISOString();
    const purge = composeCheckpoint(
      chain.at(-1),
      { purge: { request: '1', cutoff, requestedAt: NOW.toISOString() } },
      signer,
      NOW,
    );
    const verifier = new TrailVerifier([...chain, purge], keys);
    trail.slice(3).forEach((e) => verifier.add(e));
    expect(verifier.finish()).toMatchObject({ ok: true, eventsPurged: 3, eventsVerified: 9 });

    const late = new TrailVerifier([...chain, purge], keys);
    trail.filter((e) => e !== trail[7]).forEach((e) => late.add(e));
    expect(problems(late.finish())).toEqual(['event-missing']);
  });
});
