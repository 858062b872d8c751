/**
 * Writes lines to stdout in batches: a busy service answers thousands of requests per second,
 * and each write to a pipe is a system call (and wakes the reader). Lines stay whole and in order;
 * they reach stdout within `flushIntervalMs`, at once when `maxPendingChars` accumulate, and
 * synchronously when the process exits.
 */
export class BatchedLineWriter {
  private pending = '';
  private timer?: NodeJS.Timeout;
  private readonly flushNow = () => this.flush();

  constructor(
    private readonly out: (chunk: string) => void = (chunk) => void process.stdout.write(chunk),
    private readonly flushIntervalMs = 50,
    private readonly maxPendingChars = 65_536,
  ) {
    process.once('exit', this.flushNow);
  }

  write(line: string): void {
    this.pending += `${line}\n`;
    if (this.pending.length >= this.maxPendingChars) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(this.flushNow, this.flushIntervalMs);
      this.timer.unref();
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    this.out(chunk);
  }
}
