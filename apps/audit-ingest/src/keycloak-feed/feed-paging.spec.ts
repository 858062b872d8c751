import fc from 'fast-check';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import {
  advanceWatermark,
  firstRequest,
  nextRequest,
  pageProblem,
  type PageRequest,
  type PagedEvent,
} from './feed-paging';

const at = (time: number, id = `e-${time}`): PagedEvent => ({ id, time });

/**
 * Keycloak's event query as the feed relies on it: time range inclusive, oldest first, `max`
 * events; events of the same millisecond in any order (`shuffle` picks it per request).
 */
function keycloakAnswer(stored: PagedEvent[], request: PageRequest, shuffle: (n: number) => number): PagedEvent[] {
  const inRange = stored.filter((e) => e.time >= request.from && (request.to === undefined || e.time <= request.to));
  const keyed = inRange.map((e, i) => ({ e, tie: shuffle(i) }));
  keyed.sort((a, b) => a.e.time - b.e.time || a.tie - b.tie);
  return keyed.slice(0, request.max).map((k) => k.e);
}

/** The feed's walk from `watermark` until it has caught up: every event it was given. */
function walk(
  stored: PagedEvent[],
  watermark: number,
  overlapMs: number,
  pageSize: number,
  shuffle: (n: number) => number,
) {
  const seen: PagedEvent[] = [];
  let request: PageRequest | undefined = firstRequest(watermark, overlapMs, pageSize);
  let requests = 0;
  while (request) {
    const page = keycloakAnswer(stored, request, shuffle);
    expect(pageProblem(request, page)).toBeUndefined();
    seen.push(...page);
    watermark = advanceWatermark(watermark, page);
    request = nextRequest(request, page, pageSize);
    if (++requests > 10_000) throw new Error('the walk does not end');
  }
  return { seen, watermark, requests };
}

describe('the feed walks Keycloak events by time', () => {
  it('starts from the watermark less the overlap, never before 0', () => {
    expect(firstRequest(100_000, 60_000, 500)).toEqual({ from: 40_000, max: 500 });
    expect(firstRequest(0, 60_000, 500)).toEqual({ from: 0, max: 500 });
  });

  it('given a short page, when asked what next, then it has caught up', () => {
    expect(nextRequest({ from: 0, max: 3 }, [at(1), at(2)], 3)).toBeUndefined();
  });

  it('given a full page, when asked what next, then it reads again from the last time (inclusive)', () => {
    expect(nextRequest({ from: 0, max: 3 }, [at(1), at(2), at(2, 'x')], 3)).toEqual({ from: 2, max: 3 });
  });

  it('given a full page within one millisecond, then it reads that millisecond whole, asking for more until it has it', () => {
    const full = [at(5, 'a'), at(5, 'b'), at(5, 'c')];
    const oneMs = nextRequest({ from: 5, max: 3 }, full, 3);
    expect(oneMs).toEqual({ from: 5, to: 5, max: 6 });
    expect(nextRequest(oneMs!, [...full, ...full], 3)).toEqual({ from: 5, to: 5, max: 12 });
    expect(nextRequest({ from: 5, to: 5, max: 12 }, full, 3)).toEqual({ from: 6, max: 3 });
  });

  it('refuses a page out of time order or outside the range: either could hide a gap', () => {
    expect(pageProblem({ from: 0, max: 5 }, [at(2), at(1)])).toMatch(/out of time order.*direction=asc/);
    expect(pageProblem({ from: 3, max: 5 }, [at(2)])).toMatch(/outside the asked range from 3/);
    expect(pageProblem({ from: 3, to: 3, max: 5 }, [at(4)])).toMatch(/outside the asked range from 3 to 3/);
    expect(pageProblem({ from: 3, max: 5 }, [at(3), at(3, 'x'), at(9)])).toBeUndefined();
  });

  it('property: from any position, every stored event at or after it is read, whatever the page size and ties', () => {
    const seed = propertySeed('feed paging');
    const stored = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 12 })), { maxLength: 40 })
      .map((groups) => groups.flatMap(([time, n]) => Array.from({ length: n }, (_, i) => at(time, `e-${time}-${i}`))))
      .map((events) => [...new Map(events.map((e) => [e.id, e])).values()]);
    fc.assert(
      fc.property(
        stored,
        fc.integer({ min: 0, max: 45 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer(),
        (events, watermark, pageSize, salt) => {
          const shuffle = (i: number) => Math.imul(i + 1, salt | 1) ^ salt;
          const { seen, watermark: after } = walk(events, watermark, 0, pageSize, shuffle);
          const expected = events.filter((e) => e.time >= watermark).map((e) => e.id);
          expect(new Set(seen.map((e) => e.id))).toEqual(new Set(expected));
          expect(after).toBe(Math.max(watermark, ...events.map((e) => e.time)));
        },
      ),
      { seed, numRuns: 500 },
    );
  });

  it('property: an event committed late, within the overlap below the watermark, is found by the next poll', () => {
    const seed = propertySeed('feed paging, late commits');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 7 }),
        (times, lateBy, pageSize) => {
          const events = times.map((time, i) => at(time, `e-${i}`));
          const first = walk(events, 0, 30, pageSize, (i) => i);
          // committed now, dated up to the overlap (30) before the newest event the feed saw
          const late = at(Math.max(0, first.watermark - lateBy), 'late');
          const second = walk([...events, late], first.watermark, 30, pageSize, (i) => -i);
          expect(second.seen.map((e) => e.id)).toContain('late');
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
