import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('allows a burst, then refuses with the seconds until the next token', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 3 }, clock);
    expect([1, 2, 3].map(() => buckets.take('a').allowed)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSec: 1 });
    now += 1000;
    expect(buckets.take('a')).toEqual({ allowed: true, remaining: 0 });
  });

  it('computes Retry-After from the refill rate', () => {
    const buckets = new TokenBuckets({ perMinute: 6, burst: 1 }, clock);
    buckets.take('a');
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSec: 10 });
    now += 4000;
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSec: 6 });
  });

  it('keeps principals apart', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 1 }, clock);
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
    expect(buckets.take('b').allowed).toBe(true);
  });

  it('never holds more than the burst however long a principal was idle', () => {
    const buckets = new TokenBuckets({ perMinute: 600, burst: 2 }, clock);
    buckets.take('a');
    now += 3_600_000;
    expect([1, 2, 3].map(() => buckets.take('a').allowed)).toEqual([true, true, false]);
  });

  it('prunes buckets that have refilled', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 2 }, clock);
    buckets.take('a');
    buckets.take('b');
    buckets.take('b');
    now += 1000;
    expect(buckets.prune()).toBe(1);
    expect(buckets.size).toBe(1);
  });
});
