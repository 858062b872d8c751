import type { Segment } from '../queue/disk-queue';
import { selectBatch } from './batch-selection';

const seg = (seq: number, category: string, bytes = 100): Segment => ({
  seq,
  category,
  items: 1,
  bytes,
  file: `${seq}`,
});

describe('selectBatch', () => {
  it('starts with the oldest segment and adds later ones of its category up to the byte bound', () => {
    const queue = [seg(1, 'host'), seg(2, 'health'), seg(3, 'host'), seg(4, 'host'), seg(5, 'host')];
    expect(selectBatch(queue, 300).map((s) => s.seq)).toEqual([1, 3, 4]);
  });

  it('sends an oversized segment alone rather than never', () => {
    expect(selectBatch([seg(1, 'host', 5000), seg(2, 'host')], 1000).map((s) => s.seq)).toEqual([1]);
  });

  it('is empty for an empty queue', () => {
    expect(selectBatch([], 1000)).toEqual([]);
  });
});
