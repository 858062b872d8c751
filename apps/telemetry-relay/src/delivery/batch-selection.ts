import type { Segment } from '../queue/disk-queue';

/**
 * The next outbound batch: the oldest segment, plus later segments of the same category while
 * the batch stays under the byte bound (always at least one, so an oversized segment still goes).
 */
export function selectBatch(segments: readonly Segment[], maxBytes: number, maxSegments = 200): Segment[] {
  if (segments.length === 0) return [];
  const [oldest] = segments;
  const batch = [oldest];
  let bytes = oldest.bytes;
  for (const segment of segments.slice(1)) {
    if (batch.length >= maxSegments) break;
    if (segment.category !== oldest.category) continue;
    if (bytes + segment.bytes > maxBytes) break;
    batch.push(segment);
    bytes += segment.bytes;
  }
  return batch;
}
