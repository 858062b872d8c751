import { configureLogging } from '../logging/root-logger';
import { AccessLogPublisher } from './access-log-publisher';

/** A serialized record, as the capture hands it over; the publisher treats it as opaque text. */
function record(n: number): string {
  return `/x/${n}`;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('AccessLogPublisher', () => {
  let logs: Array<Record<string, unknown>>;
  beforeEach(() => {
    logs = [];
    configureLogging({ service: 'test', level: 'DEBUG', format: 'json', write: (line) => logs.push(JSON.parse(line)) });
  });
  afterEach(() => configureLogging({ service: 'test', level: 'ERROR', format: 'json' }));

  it('publishes every record once, in order, in bounded batches', async () => {
    const batches: number[][] = [];
    const publisher = new AccessLogPublisher({
      publish: async (records) => void batches.push(records.map((r) => Number(r.slice(3)))),
      bufferSize: 5000,
      dropAfterMs: 1000,
      retryDelayMs: () => 1,
      batchSize: 1000,
      lingerMs: 1,
    });
    for (let n = 0; n < 2500; n++) publisher.offer(record(n));
    await until(() => publisher.pending === 0, 'the buffer to drain');
    expect(batches.flat()).toEqual(Array.from({ length: 2500 }, (_, n) => n));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(1000);
    await publisher.close(100);
  });

  it('keeps a failed batch and retries it until the broker takes it, logging one summary', async () => {
    const published: string[] = [];
    let failures = 3;
    const publisher = new AccessLogPublisher({
      publish: async (records) => {
        if (failures-- > 0) throw new Error('broker unavailable');
        published.push(...records);
      },
      bufferSize: 100,
      dropAfterMs: 60_000,
      retryDelayMs: () => 1,
      lingerMs: 1,
    });
    for (let n = 0; n < 10; n++) publisher.offer(record(n));
    await until(() => published.length === 10, 'the retried batch');
    expect(published).toEqual(Array.from({ length: 10 }, (_, n) => `/x/${n}`));
    expect(logs.filter((l) => l.message === 'Access Log Publish Failed')).toEqual([
      expect.objectContaining({ level: 'WARN', attempt: 1, pending: 10, error: 'broker unavailable' }),
    ]);
    expect(logs.filter((l) => l.message === 'Access Log Publishing Resumed')).toEqual([
      expect.objectContaining({ failedAttempts: 3 }),
    ]);
    await publisher.close(100);
  });

  it('drops only what waited longer than dropAfterMs, counts it in one summary, and publishes the rest', async () => {
    let now = 0;
    let brokerUp = false;
    const published: string[] = [];
    const publisher = new AccessLogPublisher({
      publish: async (records) => {
        if (!brokerUp) throw new Error('broker unavailable');
        published.push(...records);
      },
      bufferSize: 4,
      dropAfterMs: 1000,
      retryDelayMs: () => 1,
      lingerMs: 1,
      now: () => now,
    });
    for (let n = 0; n < 4; n++) publisher.offer(record(n)); // the buffer is full
    for (let n = 4; n < 7; n++) publisher.offer(record(n)); // waiting since 0
    now = 600;
    publisher.offer(record(7)); // waiting since 600
    expect(logs.filter((l) => l.message === 'Access Log Dropped')).toEqual([]);
    now = 1001; // 4, 5 and 6 have waited longer than a second
    publisher.offer(record(8));
    await until(() => logs.some((l) => l.message === 'Access Log Dropped'), 'the drop summary');
    brokerUp = true;
    await until(() => publisher.pending === 0, 'the buffer to drain');
    expect(published).toEqual(['/x/0', '/x/1', '/x/2', '/x/3', '/x/7', '/x/8']);
    expect(logs.filter((l) => l.message === 'Access Log Dropped')).toEqual([
      expect.objectContaining({ level: 'WARN', dropped: 3, totalDropped: 3, bufferSize: 4, dropAfterMs: 1000 }),
    ]);
    await publisher.close(100);
  });

  it('on close, publishes what is buffered; what cannot be sent in time is reported, not waited for', async () => {
    const published: string[] = [];
    const flushing = new AccessLogPublisher({
      publish: async (records) => void published.push(...records),
      bufferSize: 10,
      dropAfterMs: 1000,
      retryDelayMs: () => 1,
      lingerMs: 60_000,
    });
    flushing.offer(record(1));
    await flushing.close(1000);
    expect(published).toEqual(['/x/1']);

    const stuck = new AccessLogPublisher({
      publish: () => new Promise(() => undefined),
      bufferSize: 10,
      dropAfterMs: 1000,
      retryDelayMs: () => 1,
      lingerMs: 1,
    });
    stuck.offer(record(2));
    await stuck.close(20);
    expect(logs.filter((l) => l.message === 'Access Log Records Abandoned')).toEqual([
      expect.objectContaining({ count: 1, timeoutMs: 20 }),
    ]);
  });
});
