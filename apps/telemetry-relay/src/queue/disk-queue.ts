import fs from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';

/** One queued outbound payload: the scrubbed OTLP request of one category. */
export interface QueuedItem {
  category: string;
  /** Data points it carries (what the transmission log counts). */
  items: number;
  payload: Uint8Array;
}

/** What the queue knows about a segment without reading it. */
export interface Segment {
  seq: number;
  category: string;
  items: number;
  bytes: number;
  file: string;
}

export interface DroppedSegments {
  segments: Segment[];
  items: number;
  bytes: number;
}

const MAGIC = Buffer.from('MTQ1');
const SEGMENT_FILE = /^(\d{16})-([a-z]+)-(\d+)\.seg$/;

export class CorruptSegmentError extends Error {}

/**
 * A directory of segment files, one per queued payload, written durably (temporary file, fsync,
 * rename, directory fsync) so an append that returned survives a crash. Total size is bounded:
 * past the bound the oldest segments are removed and reported, so a long outage costs the oldest
 * data, never the process. Only the index (a few numbers per segment) lives in memory.
 */
export class DiskQueue {
  private readonly segments: Segment[] = [];
  private totalBytes = 0;
  private nextSeq = 1;
  private readonly listeners = new Set<() => void>();
  /** Appends run one at a time, so the index stays in sequence order (oldest first). */
  private appending: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Opens (creating) the directory, removes half-written files, and indexes what is there. */
  static async open(dir: string, maxBytes: number): Promise<DiskQueue> {
    await fs.mkdir(dir, { recursive: true });
    const queue = new DiskQueue(dir, maxBytes);
    for (const name of (await fs.readdir(dir)).sort()) {
      if (name.endsWith('.tmp')) {
        await fs.rm(path.join(dir, name), { force: true });
        continue;
      }
      const match = SEGMENT_FILE.exec(name);
      if (!match) continue;
      const stat = await fs.stat(path.join(dir, name));
      const seq = Number(match[1]);
      queue.segments.push({ seq, category: match[2], items: Number(match[3]), bytes: stat.size, file: name });
      queue.totalBytes += stat.size;
      queue.nextSeq = Math.max(queue.nextSeq, seq + 1);
    }
    return queue;
  }

  get size(): { segments: number; bytes: number } {
    return { segments: this.segments.length, bytes: this.totalBytes };
  }

  /** Oldest first. */
  list(): readonly Segment[] {
    return this.segments;
  }

  /** Called after every append (the delivery loop waits on it instead of polling). */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Writes the items durably, then enforces the size bound. Resolves once everything is on disk:
   * only then may the Kafka offsets of the records they came from be committed.
   */
  append(items: QueuedItem[]): Promise<DroppedSegments> {
    const result = this.appending.then(() => this.appendNow(items));
    this.appending = result.catch(() => undefined);
    return result;
  }

  private async appendNow(items: QueuedItem[]): Promise<DroppedSegments> {
    const written: Segment[] = [];
    for (const item of items) {
      if (!/^[a-z]+$/.test(item.category)) throw new Error(`invalid queue category "${item.category}"`);
      const seq = this.nextSeq++;
      const file = `${String(seq).padStart(16, '0')}-${item.category}-${item.items}.seg`;
      const body = encodeSegment(item.payload);
      const tmp = path.join(this.dir, `${file}.tmp`);
      const handle = await fs.open(tmp, 'w');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, path.join(this.dir, file));
      written.push({ seq, category: item.category, items: item.items, bytes: body.length, file });
    }
    if (written.length > 0) await this.syncDirectory();
    for (const segment of written) {
      this.segments.push(segment);
      this.totalBytes += segment.bytes;
    }
    const dropped = await this.enforceBound();
    if (written.length > 0) for (const listener of this.listeners) listener();
    return dropped;
  }

  /** The payload of a segment; throws CorruptSegmentError when its checksum does not match. */
  async read(segment: Segment): Promise<Uint8Array> {
    const body = await fs.readFile(path.join(this.dir, segment.file));
    return decodeSegment(body, segment.file);
  }

  /** Removes delivered (or undeliverable) segments. Already-removed ones are ignored. */
  async remove(segments: readonly Segment[]): Promise<void> {
    const seqs = new Set(segments.map((s) => s.seq));
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i];
      if (!seqs.has(segment.seq)) continue;
      this.segments.splice(i, 1);
      this.totalBytes -= segment.bytes;
      await fs.rm(path.join(this.dir, segment.file), { force: true });
    }
  }

  private async enforceBound(): Promise<DroppedSegments> {
    const dropped: DroppedSegments = { segments: [], items: 0, bytes: 0 };
    while (this.totalBytes > this.maxBytes && this.segments.length > 0) {
      const oldest = this.segments.shift()!;
      this.totalBytes -= oldest.bytes;
      dropped.segments.push(oldest);
      dropped.items += oldest.items;
      dropped.bytes += oldest.bytes;
      await fs.rm(path.join(this.dir, oldest.file), { force: true });
    }
    return dropped;
  }

  private async syncDirectory(): Promise<void> {
    const handle = await fs.open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** MAGIC, payload length (uint32 BE), payload, CRC-32 of the payload (uint32 BE). */
export function encodeSegment(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(payload.length, 4);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(crc32(payload) >>> 0, 0);
  return Buffer.concat([header, payload, trailer]);
}

export function decodeSegment(body: Buffer, name = 'segment'): Uint8Array {
  if (body.length < 12 || !body.subarray(0, 4).equals(MAGIC))
    throw new CorruptSegmentError(`${name}: not a queue segment`);
  const length = body.readUInt32BE(4);
  if (body.length !== 12 + length) throw new CorruptSegmentError(`${name}: truncated (${body.length} bytes)`);
  const payload = body.subarray(8, 8 + length);
  if (crc32(payload) >>> 0 !== body.readUInt32BE(8 + length))
    throw new CorruptSegmentError(`${name}: checksum mismatch`);
  return payload;
}
