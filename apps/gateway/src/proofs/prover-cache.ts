import type { CheckpointHead, CheckpointProver } from '@meshtrail/trail-proof';

/**
 * The provers of the checkpoints proved last, so that proofs out of one checkpoint (a page of
 * recent events, opened one after another) read its leaf list and hash its tree once. A prover is
 * used only for the checkpoint it was made from: same number, root and signature. Least recently
 * used ones go first; each holds about 0.4 kB an event (a full checkpoint of 10,000: some 4 MB).
 */
export class ProverCache {
  private readonly provers = new Map<number, CheckpointProver>();

  constructor(private readonly capacity: number) {}

  get(head: CheckpointHead): CheckpointProver | undefined {
    const prover = this.provers.get(head.number);
    if (!prover || prover.checkpoint.root !== head.root || prover.checkpoint.signature !== head.signature) {
      return undefined;
    }
    this.provers.delete(head.number);
    this.provers.set(head.number, prover);
    return prover;
  }

  add(prover: CheckpointProver): void {
    this.provers.delete(prover.checkpoint.number);
    this.provers.set(prover.checkpoint.number, prover);
    for (const number of this.provers.keys()) {
      if (this.provers.size <= this.capacity) break;
      this.provers.delete(number);
    }
  }
}
