import type { CheckpointProver, SignedCheckpoint } from '@meshtrail/trail-proof';
import { ProverCache } from './prover-cache';

const prover = (number: number, root = `root-${number}`): CheckpointProver =>
  ({ checkpoint: { number, root, signature: `sig-${root}` } as SignedCheckpoint }) as CheckpointProver;

describe('the provers kept for recent checkpoints', () => {
  it('gives a prover back only for the checkpoint it was made from', () => {
    const cache = new ProverCache(4);
    const kept = prover(1);
    cache.add(kept);
    expect(cache.get(kept.checkpoint)).toBe(kept);
    expect(cache.get({ ...kept.checkpoint, root: 'other root' })).toBeUndefined();
    expect(cache.get({ ...kept.checkpoint, signature: 'other signature' })).toBeUndefined();
    expect(cache.get(prover(2).checkpoint)).toBeUndefined();
  });

  it('lets the least recently used go first, and keeps at most its capacity', () => {
    const cache = new ProverCache(2);
    const [one, two, three] = [prover(1), prover(2), prover(3)];
    cache.add(one);
    cache.add(two);
    expect(cache.get(one.checkpoint)).toBe(one);
    cache.add(three);
    expect(cache.get(two.checkpoint)).toBeUndefined();
    expect(cache.get(one.checkpoint)).toBe(one);
    expect(cache.get(three.checkpoint)).toBe(three);
  });
});
