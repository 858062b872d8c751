/** A pause a shutdown (or, for the projector, a commit) can cut short: the loops of the projector and the sealer wait on one. */
export class WakeablePause {
  private wakeUp?: () => void;

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}
