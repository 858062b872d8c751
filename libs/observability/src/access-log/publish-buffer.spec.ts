import { PublishBuffer, RingQueue } from './publish-buffer';

describe('RingQueue', () => {
  it('keeps FIFO order across wrap-around and refuses to overfill', () => {
    const ring = new RingQueue<number>(3);
    ring.push(1);
    ring.push(2);
    expect(ring.shift()).toBe(1);
    ring.push(3);
    ring.push(4);
    expect(ring.full).toBe(true);
    expect(() => ring.push(5)).toThrow('full');
    expect([ring.at(0), ring.at(1), ring.at(2)]).toEqual([2, 3, 4]);
    expect([ring.shift(), ring.shift(), ring.shift()]).toEqual([2, 3, 4]);
    expect(() => ring.shift()).toThrow('empty');
  });
});

describe('PublishBuffer', () => {
  it('given room, when records arrive, then they wait in order and nothing is dropped', () => {
    const buffer = new PublishBuffer<number>(3, 1000);
    for (const n of [1, 2, 3]) expect(buffer.offer(n, 0)).toBe(true);
    expect(buffer.peek(2)).toEqual([1, 2]);
    expect(buffer.peek(10)).toEqual([1, 2, 3]);
    buffer.remove(2);
    expect(buffer.peek(10)).toEqual([3]);
    expect(buffer.takeDropped()).toBe(0);
  });

  it('given a full buffer, when it stays full no longer than dropAfterMs, then the overflow waits and nothing is lost', () => {
    const buffer = new PublishBuffer<number>(2, 1000);
    buffer.offer(1, 0);
    buffer.offer(2, 0);
    expect(buffer.offer(3, 100)).toBe(true);
    expect(buffer.offer(4, 1100)).toBe(true); // 3 has waited exactly 1000 ms: not longer
    expect(buffer.fullForMs(1100)).toBe(1000);
    expect(buffer.size).toBe(4);
    buffer.remove(2);
    expect(buffer.peek(10)).toEqual([3, 4]);
    expect(buffer.fullForMs(1100)).toBe(0);
    expect(buffer.takeDropped()).toBe(0);
  });

  it('given a full buffer, when it stays full longer than dropAfterMs, then the records waiting that long are dropped and counted', () => {
    const buffer = new PublishBuffer<number>(2, 1000);
    buffer.offer(1, 0);
    buffer.offer(2, 0);
    buffer.offer(3, 0);
    buffer.offer(4, 500);
    expect(buffer.offer(5, 1001)).toBe(true); // 3 waited 1001 ms: dropped; 4 and 5 still wait
    expect(buffer.takeDropped()).toBe(1);
    expect(buffer.expire(1501)).toBe(1); // 4
    expect(buffer.takeDropped()).toBe(1);
    expect(buffer.takeDropped()).toBe(0);
    buffer.remove(2);
    expect(buffer.peek(10)).toEqual([5]);
  });

  it('given a full overflow, when another record arrives, then it is dropped at once: memory stays bounded', () => {
    const buffer = new PublishBuffer<number>(2, 60_000);
    for (let n = 1; n <= 4; n++) expect(buffer.offer(n, 0)).toBe(true);
    expect(buffer.offer(5, 1)).toBe(false);
    expect(buffer.size).toBe(4);
    expect(buffer.takeDropped()).toBe(1);
  });

  it('given records of any size, when they would take the buffer past maxBytes, then they are dropped and the rest kept', () => {
    const buffer = new PublishBuffer<string>(100, 1000, 10, (item) => item.length);
    expect(buffer.offer('aaaa', 0)).toBe(true);
    expect(buffer.offer('bbbbbbbbbbb', 0)).toBe(false); // larger than the whole bound
    expect(buffer.offer('cccc', 0)).toBe(true);
    expect(buffer.offer('ddd', 0)).toBe(false); // 11 > 10
    expect(buffer.offer('dd', 0)).toBe(true);
    expect(buffer.bytes).toBe(10);
    expect(buffer.takeDropped()).toBe(2);
    buffer.remove(1);
    expect(buffer.bytes).toBe(6);
    expect(buffer.offer('ddd', 0)).toBe(true);
    expect(buffer.peek(10)).toEqual(['cccc', 'dd', 'ddd']);
  });

  it('given a full buffer, when waiting records expire, then their bytes are given back', () => {
    const buffer = new PublishBuffer<string>(1, 100, 100, (item) => item.length);
    buffer.offer('aaaa', 0);
    buffer.offer('bbbb', 0);
    expect(buffer.bytes).toBe(8);
    expect(buffer.expire(101)).toBe(1);
    expect(buffer.bytes).toBe(4);
  });
});
