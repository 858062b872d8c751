/**
 * Writes lines to stdout in one write per event-loop turn instead of one per line: a busy
 * service answers many requests per turn, and each write to a pipe is a system call. Lines stay
 * whole, and what is pending when the process exits is written synchronously then.
 */
export class BatchedLineWriter {
  private pending = '';
  private scheduled = false;
  private readonly flushSoon = () => this.flush();

  constructor(
    private readonly out: (chunk: string) => void = (chunk) => void process.stdout.write(chunk),
    /** A burst larger than this is written at once rather than held for the end of the turn. */
    private readonly maxPendingChars = 65_536,
  ) {
    process.once('exit', this.flushSoon);
  }

  write(line: string): void {
    this.pending += `${line}\n`;
    if (this.pending.length >= this.maxPendingChars) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    this.out(chunk);
  }
}
