import { TOPICS } from '@meshtrail/contracts';
import { RequestQueue, type PatchedRequestQueue } from '../../../test/support/kafkajs-request-queue';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { createKafkaClient } from './kafka-client.factory';
import { KafkaProducer } from './producer';

/**
 * Unpatched, kafkajs 2.2.4 armed a 1 ms timer on a broker connection once a request on it was
 * answered, and the timer re-armed itself for as long as the connection lived (Node 24 warned of
 * its negative delay): every process ran each connection's check a thousand times a second, idle
 * or not. patches/ removes the loop.
 */
describe('an idle kafkajs client (real Kafka)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack('kafkaidle');
  });
  afterAll(() => stack.teardown());

  it('keeps no timer armed on its connections once their requests are answered', async () => {
    const queues = new Set<PatchedRequestQueue>();
    const push = RequestQueue.prototype.push;
    const spy = jest.spyOn(RequestQueue.prototype, 'push').mockImplementation(function (
      this: PatchedRequestQueue,
      request,
    ) {
      queues.add(this);
      return push.call(this, request);
    });
    const kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'kafka-idle-test');
    // meshtrail's producer, as the services use it (idempotent, one request in flight)
    const producer = new KafkaProducer(kafka);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const topic = stack.topic(TOPICS.usageEvents);
      await Promise.all([1, 2, 3].map((n) => producer.send(topic, [{ key: `k${n}`, value: 'idle' }])));
      await admin.listTopics();
      // the metadata and produce requests went through at least two connections
      expect(queues.size).toBeGreaterThanOrEqual(2);
      for (const queue of queues) expect(queue.throttleCheckTimeoutId).toBeNull();
    } finally {
      spy.mockRestore();
      await producer.close();
      await admin.disconnect();
    }
  });
});
