import fc from 'fast-check';
import { TransientError } from './failure-kind';
import { isolateFailures } from './isolate-failures';

const seed = Number(process.env.FC_SEED ?? Date.now());

/** A handler over numbered records that fails a slice holding any of `bad`, and records what it stored. */
function store(bad: Set<number>, stored: number[], attempts = { n: 0 }) {
  return async (slice: number[]) => {
    attempts.n++;
    const poison = slice.find((n) => bad.has(n));
    if (poison !== undefined) throw new Error(`record ${poison} is refused`);
    stored.push(...slice);
  };
}

describe('isolateFailures', () => {
  it('given one bad record among a hundred, stores the rest once, in order, and isolates the bad one in few attempts', async () => {
    const records = Array.from({ length: 100 }, (_, i) => i);
    const stored: number[] = [];
    const attempts = { n: 0 };
    const result = await isolateFailures(records, store(new Set([37]), stored, attempts));
    expect(stored).toEqual(records.filter((n) => n !== 37));
    expect(result.failed.map(({ record, index }) => [record, index])).toEqual([[37, 37]]);
    expect(result.succeeded).toBe(99);
    expect(result.halt).toBeUndefined();
    expect(attempts.n).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(100)) + 1);
  });

  it('stops where the infrastructure fails, with what came before handled', async () => {
    const stored: number[] = [];
    let calls = 0;
    const result = await isolateFailures([1, 2, 3, 4], async (slice) => {
      calls++;
      if (calls === 1) throw new Error('record 3 is refused');
      if (slice.includes(3)) throw new TransientError('database went away');
      stored.push(...slice);
    });
    expect(stored).toEqual([1, 2]);
    expect(result.halt).toMatchObject({ index: 2, kind: 'transient' });
    expect(result.failed).toEqual([]);
  });

  it('calls a failure systemic when the first records all fail alike, and dead-letters none of them', async () => {
    const result = await isolateFailures(
      [1, 2, 3, 4, 5, 6, 7, 8],
      async () => {
        throw new Error('column "x" is broken in some unknown way');
      },
      { systemicAfter: 3 },
    );
    expect(result.halt).toMatchObject({ index: 0, kind: 'systemic' });
    expect(result.succeeded).toBe(0);
  });

  it('goes on isolating when the caller finds that something else still works', async () => {
    const stored: number[] = [];
    const checks: unknown[] = [];
    const result = await isolateFailures([1, 2, 3, 4, 5], store(new Set([1, 2, 3, 4]), stored), {
      systemicAfter: 3,
      confirmSystemic: async (error) => {
        checks.push((error as Error).message);
        return false;
      },
    });
    expect(checks).toEqual(['record 3 is refused']);
    expect(result.halt).toBeUndefined();
    expect(result.failed.map((f) => f.record)).toEqual([1, 2, 3, 4]);
    expect(stored).toEqual([5]);
  });

  it('stops before the next attempt when abandoned', async () => {
    let abandon = false;
    const result = await isolateFailures(
      [1, 2],
      async () => {
        abandon = true;
        throw new Error('refused');
      },
      { abandoned: () => abandon },
    );
    expect(result.abandoned).toBe(true);
  });

  it('for any batch and any set of bad records: every good record stored exactly once and in order, every bad one isolated once', async () => {
    console.log(`isolateFailures property seed: ${seed} (FC_SEED=${seed} replays it)`);
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }))),
        async ([n, badList]) => {
          const records = Array.from({ length: n }, (_, i) => i);
          const bad = new Set(badList);
          const stored: number[] = [];
          const result = await isolateFailures(records, store(bad, stored));
          expect(stored).toEqual(records.filter((r) => !bad.has(r)));
          expect(result.failed.map((f) => f.record)).toEqual(records.filter((r) => bad.has(r)));
          expect(result.succeeded + result.failed.length).toBe(n);
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
