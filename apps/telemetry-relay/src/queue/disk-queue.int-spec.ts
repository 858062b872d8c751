import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CorruptSegmentError, DiskQueue, decodeSegment, encodeSegment } from './disk-queue';

/** Real files in a temporary directory (the file system is this queue's dependency). */
describe('DiskQueue', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-queue-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const payload = (text: string) => Buffer.from(text);

  it('keeps appended payloads in order and survives a reopen (a restart)', async () => {
    const queue = await DiskQueue.open(dir, 1_000_000);
    await queue.append([
      { category: 'host', items: 3, payload: payload('first') },
      { category: 'health', items: 1, payload: payload('second') },
    ]);
    fs.writeFileSync(path.join(dir, '0000000000000099-host-1.seg.tmp'), 'half written');

    const reopened = await DiskQueue.open(dir, 1_000_000);
    expect(reopened.list().map((s) => [s.seq, s.category, s.items])).toEqual([
      [1, 'host', 3],
      [2, 'health', 1],
    ]);
    expect(Buffer.from(await reopened.read(reopened.list()[1])).toString()).toBe('second');
    expect(fs.readdirSync(dir).some((name) => name.endsWith('.tmp'))).toBe(false);
    await reopened.append([{ category: 'host', items: 1, payload: payload('third') }]);
    expect(reopened.list().map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('drops the oldest segments past its size bound and reports what it dropped', async () => {
    const segmentBytes = encodeSegment(payload('x'.repeat(100))).length;
    const queue = await DiskQueue.open(dir, segmentBytes * 3);
    for (let i = 0; i < 3; i++)
      await queue.append([{ category: 'host', items: 10, payload: payload('x'.repeat(100)) }]);
    const dropped = await queue.append([
      { category: 'heartbeat', items: 1, payload: payload('y'.repeat(100)) },
      { category: 'heartbeat', items: 1, payload: payload('z'.repeat(100)) },
    ]);
    expect(dropped.segments.map((s) => s.seq)).toEqual([1, 2]);
    expect(dropped.items).toBe(20);
    expect(queue.size).toEqual({ segments: 3, bytes: segmentBytes * 3 });
    expect(fs.readdirSync(dir)).toHaveLength(3);
  });

  it('removes delivered segments from disk and index', async () => {
    const queue = await DiskQueue.open(dir, 1_000_000);
    await queue.append([
      { category: 'host', items: 1, payload: payload('a') },
      { category: 'host', items: 1, payload: payload('b') },
    ]);
    await queue.remove([queue.list()[0]]);
    expect(queue.list().map((s) => s.seq)).toEqual([2]);
    expect(fs.readdirSync(dir)).toEqual([queue.list()[0].file]);
  });

  it('detects a damaged segment instead of sending garbage', async () => {
    const queue = await DiskQueue.open(dir, 1_000_000);
    await queue.append([{ category: 'host', items: 1, payload: payload('intact payload') }]);
    const file = path.join(dir, queue.list()[0].file);
    const body = fs.readFileSync(file);
    body[10] ^= 0xff;
    fs.writeFileSync(file, body);
    await expect(queue.read(queue.list()[0])).rejects.toBeInstanceOf(CorruptSegmentError);
    expect(() => decodeSegment(Buffer.from('nope'))).toThrow(CorruptSegmentError);
  });
});

describe('DiskQueue under concurrent appends', () => {
  it('indexes segments in sequence order whatever the interleaving', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-queue-'));
    try {
      const queue = await DiskQueue.open(dir, 10_000_000);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          queue.append([
            { category: i % 2 ? 'heartbeat' : 'health', items: 1, payload: Buffer.alloc((20 - i) * 1000) },
          ]),
        ),
      );
      const seqs = queue.list().map((s) => s.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs).toHaveLength(20);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
