/** A fixed-capacity FIFO on a ring of slots: O(1) push and shift, no garbage per item. */
export class RingQueue<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity);
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  push(item: T): void {
    if (this.full) throw new Error('RingQueue is full');
    this.slots[(this.head + this.size) % this.capacity] = item;
    this.size++;
  }

  /** The item at position `index` from the front (0 = oldest). */
  at(index: number): T {
    return this.slots[(this.head + index) % this.capacity] as T;
  }

  shift(): T {
    if (this.size === 0) throw new Error('RingQueue is empty');
    const item = this.slots[this.head] as T;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    return item;
  }
}

interface Waiting<T> {
  item: T;
  since: number;
}

/**
 * Where captured records wait for the publisher. The buffer holds `capacity` records; when it is
 * full, newer records wait for room in an overflow of the same size. A record is dropped only
 * when it has waited there longer than `dropAfterMs` — that is, when the buffer has stayed full
 * that long — or when the overflow is full too, or when it would take the records held past
 * `maxBytes` (as `sizeOf` measures them). So memory never exceeds 2 × capacity records nor
 * maxBytes, however large each record is, a short stall loses nothing, and a long outage costs
 * the newest records, counted.
 */
export class PublishBuffer<T> {
  private readonly buffer: RingQueue<T>;
  private readonly overflow: RingQueue<Waiting<T>>;
  private dropped = 0;
  /** The size of the records held, buffer and overflow together. */
  bytes = 0;

  constructor(
    readonly capacity: number,
    readonly dropAfterMs: number,
    readonly maxBytes = Infinity,
    private readonly sizeOf: (item: T) => number = () => 0,
  ) {
    this.buffer = new RingQueue(capacity);
    this.overflow = new RingQueue(capacity);
  }

  /** Records waiting to be published, in the buffer and its overflow. */
  get size(): number {
    return this.buffer.size + this.overflow.size;
  }

  /** How long the buffer has been full, as far as the oldest waiting record tells; 0 when it is not. */
  fullForMs(now: number): number {
    return this.overflow.size === 0 ? 0 : now - this.overflow.at(0).since;
  }

  /** Takes a record; false when it was dropped. */
  offer(item: T, now: number): boolean {
    this.expire(now);
    const size = this.sizeOf(item);
    if (this.bytes + size > this.maxBytes || (this.buffer.full && this.overflow.full)) {
      this.dropped++;
      return false;
    }
    this.bytes += size;
    if (!this.buffer.full) this.buffer.push(item);
    else this.overflow.push({ item, since: now });
    return true;
  }

  /** Up to `count` of the oldest records, left in place until remove() confirms they were published. */
  peek(count: number): T[] {
    const items: T[] = [];
    for (let i = 0; i < Math.min(count, this.buffer.size); i++) items.push(this.buffer.at(i));
    return items;
  }

  /** Removes the `count` oldest records (published) and lets waiting records into the room made. */
  remove(count: number): void {
    for (let i = 0; i < count && this.buffer.size > 0; i++) this.bytes -= this.sizeOf(this.buffer.shift());
    while (!this.buffer.full && this.overflow.size > 0) this.buffer.push(this.overflow.shift().item);
  }

  /** Drops the records that have waited for room longer than dropAfterMs; returns how many. */
  expire(now: number): number {
    let expired = 0;
    while (this.overflow.size > 0 && now - this.overflow.at(0).since > this.dropAfterMs) {
      this.bytes -= this.sizeOf(this.overflow.shift().item);
      expired++;
    }
    this.dropped += expired;
    return expired;
  }

  /** Records dropped since the last call. */
  takeDropped(): number {
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }
}
