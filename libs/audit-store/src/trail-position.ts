/**
 * A position in the trail's commit order: the writing transaction's id (xid8), then the row's
 * seq, both as decimal strings (64-bit). Rows stored before commit order was recorded have
 * xact_id 0 and so come first, in seq order.
 */
export interface TrailPosition {
  xactId: string;
  seq: string;
}

/** Before every row of the trail (seq starts at 1). */
export const TRAIL_START: TrailPosition = { xactId: '0', seq: '0' };

/** Negative when `a` comes first in commit order, zero when it is the same position. */
export function compareTrailPositions(a: TrailPosition, b: TrailPosition): number {
  return compareBigints(a.xactId, b.xactId) || compareBigints(a.seq, b.seq);
}

function compareBigints(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
