import { waitFor } from '../../../test/support/poll';
import { RequestQueue, type PatchedRequestQueue } from '../../../test/support/kafkajs-request-queue';

/**
 * kafkajs' request queue as patches/kafkajs+2.2.4.patch leaves it: it schedules a check of its
 * pending requests only while one waits, instead of re-arming a 1 ms timer for as long as the
 * connection lives; throttled and in-flight-limited requests still go out.
 */
describe("kafkajs' request queue (as patched)", () => {
  const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  let queue: PatchedRequestQueue;
  let correlationId = 0;

  const newQueue = (maxInFlightRequests: number | null) =>
    new RequestQueue({
      maxInFlightRequests,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: 'request-queue-spec',
      broker: '127.0.0.1:9',
      logger: silent,
    });

  /** Pushes a request; its `at` is set when the queue hands it to the socket. */
  const push = (target: PatchedRequestQueue) => {
    const id = ++correlationId;
    const sent = { id, at: undefined as number | undefined };
    target.push({
      entry: {
        apiKey: 0,
        apiName: 'Produce',
        apiVersion: 0,
        correlationId: id,
        resolve: () => undefined,
        reject: () => undefined,
      },
      expectResponse: true,
      sendRequest: () => {
        sent.at = Date.now();
      },
    });
    return sent;
  };

  /** The broker's answer to a request `push` made. */
  const answer = (target: PatchedRequestQueue, sent: { id: number }) =>
    target.fulfillRequest({ correlationId: sent.id, payload: Buffer.alloc(0), size: 0 });

  afterEach(() => queue?.destroy());

  it('leaves no timer armed once its requests are answered', () => {
    queue = newQueue(null);
    const sent = push(queue);
    expect(sent.at).toBeDefined();
    answer(queue, sent);
    // unpatched, a 1 ms timer was armed here, and it re-armed itself from then on
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('sends a request held back by the broker’s throttling once the throttle ends', async () => {
    queue = newQueue(null);
    queue.maybeThrottle(80);
    const throttledFrom = Date.now();
    const sent = push(queue);
    expect(sent.at).toBeUndefined();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    await waitFor('the throttled request to be sent', () => sent.at !== undefined, { timeoutMs: 5000, intervalMs: 5 });
    expect(sent.at! - throttledFrom).toBeGreaterThanOrEqual(70);
    answer(queue, sent);
    await waitFor('the throttle check to end', () => queue.throttleCheckTimeoutId === null, { timeoutMs: 5000 });
  });

  it('sends a request waiting behind the in-flight limit once a throttle that came meanwhile ends', async () => {
    queue = newQueue(1);
    const first = push(queue);
    const second = push(queue);
    answer(queue, first);
    expect(second.at).toBeDefined();
    // the answer to the first asked for a throttle (kafkajs applies it right after the answer)
    queue.maybeThrottle(80);
    const throttledFrom = Date.now();
    const third = push(queue);
    answer(queue, second);
    expect(third.at).toBeUndefined();
    await waitFor('the third request to be sent', () => third.at !== undefined, { timeoutMs: 5000, intervalMs: 5 });
    expect(third.at! - throttledFrom).toBeGreaterThanOrEqual(70);
    answer(queue, third);
    await waitFor('the throttle check to end', () => queue.throttleCheckTimeoutId === null, { timeoutMs: 5000 });
  });

  it('sends a request held back by the in-flight limit when one in flight is answered', async () => {
    queue = newQueue(1);
    const first = push(queue);
    const second = push(queue);
    expect(first.at).toBeDefined();
    expect(second.at).toBeUndefined();
    answer(queue, first);
    expect(second.at).toBeDefined();
    answer(queue, second);
    // the check that was armed while the second request waited fires once and is not re-armed
    await waitFor('the pending check to end', () => queue.throttleCheckTimeoutId === null, { timeoutMs: 5000 });
  });
});
