import { Readable } from 'node:stream';
import type { CursorPosition } from '../query/cursor';

/** Where a row stands in the trail's order: newest first, audit before auth at the same instant, then seq. */
export interface TrailPosition {
  occurredUs: string;
  kind: 'audit' | 'auth';
  seq: string;
}

const KIND_RANK = { audit: 1, auth: 0 } as const;

/** Negative when `a` comes first in the trail (newest first). */
export function compareTrail(a: TrailPosition, b: TrailPosition): number {
  const time = BigInt(b.occurredUs) - BigInt(a.occurredUs);
  if (time !== 0n) return time > 0n ? 1 : -1;
  const kind = KIND_RANK[b.kind] - KIND_RANK[a.kind];
  if (kind !== 0) return kind;
  const seq = BigInt(b.seq) - BigInt(a.seq);
  return seq === 0n ? 0 : seq > 0n ? 1 : -1;
}

/**
 * A cursor over the merged trail, as a position in each table: after an audit row at t, auth rows
 * at t are still ahead; after an auth row at t, audit rows at t are behind.
 */
export function tablePositions(after: CursorPosition | undefined): { audit?: CursorPosition; auth?: CursorPosition } {
  if (!after) return {};
  if (after.kind === 'auth') {
    return { audit: { occurredUs: after.occurredUs, seq: '0' }, auth: after };
  }
  return { audit: after, auth: { occurredUs: (BigInt(after.occurredUs) + 1n).toString(), seq: '0' } };
}

/** The first `count` rows of two lists that are each in trail order. */
export function mergePages<T>(a: T[], b: T[], position: (row: T) => TrailPosition, count: number): T[] {
  if (b.length === 0) return a.slice(0, count);
  if (a.length === 0) return b.slice(0, count);
  return [...a, ...b].sort((x, y) => compareTrail(position(x), position(y))).slice(0, count);
}

/**
 * Two row streams, each in trail order, as one (a merge, not a sort: constant memory, and each
 * source is read only as fast as the merged stream is consumed). Destroying the result destroys both.
 */
export function mergeStreams<T>(a: Readable, b: Readable, position: (row: T) => TrailPosition): Readable {
  async function* merged(): AsyncGenerator<T> {
    const left = a[Symbol.asyncIterator]() as AsyncIterator<T>;
    const right = b[Symbol.asyncIterator]() as AsyncIterator<T>;
    try {
      let x = await left.next();
      let y = await right.next();
      while (!x.done || !y.done) {
        if (y.done || (!x.done && compareTrail(position(x.value), position(y.value)) <= 0)) {
          yield x.value;
          x = await left.next();
        } else {
          yield y.value;
          y = await right.next();
        }
      }
    } finally {
      a.destroy();
      b.destroy();
    }
  }
  return Readable.from(merged(), { objectMode: true, highWaterMark: 1000 });
}
