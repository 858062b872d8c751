import { setTimeout as delay } from 'node:timers/promises';

interface PendingSample {
  tag: string;
  sentAt: number;
  nextPollAt: number;
}

export interface ProbeSettings {
  /** How many lookups may be in flight at once. */
  pollers: number;
  /** The shortest time between two lookups of one sample: the resolution of the figures, and what bounds the load. */
  pollEveryMs: number;
  /** A sample not found this long after it was sent counts as missed. */
  deadlineMs: number;
}

/**
 * Measures how long sent events take to become queryable: each tracked sample is looked up again
 * and again by a few concurrent pollers until the lookup finds it or its deadline passes. Times are
 * `performance.now()` values of this process.
 */
export class QueryableProbe {
  /** Waiting samples, roughly in the order they are due. */
  private readonly pending: PendingSample[] = [];
  /** Each found sample's latency, by tag. */
  private readonly found = new Map<string, number>();
  private missed = 0;
  private closed = false;
  private failure: unknown;
  private wake: () => void = () => undefined;
  private tracked = new Promise<void>((resolve) => (this.wake = resolve));
  private readonly pollers: Promise<void>[];

  constructor(
    private readonly isQueryable: (tag: string) => Promise<boolean>,
    private readonly settings: ProbeSettings,
  ) {
    // a failed lookup stops the probe; finish() reports it
    this.pollers = Array.from({ length: settings.pollers }, () =>
      this.poll().catch((error: unknown) => {
        this.failure ??= error;
        this.closed = true;
        this.pending.length = 0;
        this.signal();
      }),
    );
  }

  /** A sample whose send resolved at `sentAt`, found again by `tag`. */
  track(tag: string, sentAt: number): void {
    if (this.failure) return;
    this.pending.push({ tag, sentAt, nextPollAt: sentAt });
    this.signal();
  }

  /** Waits until every tracked sample is found or missed; the latencies in milliseconds by tag, and the count missed. */
  async finish(): Promise<{ latenciesMs: Map<string, number>; missed: number }> {
    this.closed = true;
    this.signal();
    await Promise.all(this.pollers);
    if (this.failure) throw this.failure;
    return { latenciesMs: this.found, missed: this.missed };
  }

  private signal(): void {
    this.wake();
    this.tracked = new Promise<void>((resolve) => (this.wake = resolve));
  }

  private async poll(): Promise<void> {
    for (;;) {
      const sample = this.pending.shift();
      if (!sample) {
        if (this.closed) return;
        await this.tracked;
        continue;
      }
      const wait = sample.nextPollAt - performance.now();
      if (wait > 0) await delay(wait);
      const found = await this.isQueryable(sample.tag);
      const at = performance.now();
      if (found) this.found.set(sample.tag, at - sample.sentAt);
      else if (at - sample.sentAt >= this.settings.deadlineMs) this.missed++;
      else this.pending.push({ ...sample, nextPollAt: at + this.settings.pollEveryMs });
    }
  }
}
