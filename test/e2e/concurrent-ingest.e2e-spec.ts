import { randomUUID } from 'node:crypto';
import { AssignerProtocol, type Admin, type Kafka, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { TOPICS } from '@meshtrail/contracts';
import { createKafkaClient } from '@meshtrail/kafka';
import { auditEvent, sendAll } from '../support/audit-fixtures';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';
import { apiKeyStoreOf } from '../support/api-keys';

interface FeedEvent {
  id: string;
  workspace: string | null;
  objectName: string | null;
  position: { xactId: string; seq: string };
}

interface FeedPage {
  events: FeedEvent[];
  next: string;
  more: boolean;
}

const EVENTS = 3000;
const KEYS = [...Array.from({ length: 40 }, (_, i) => `ws-${i}`), 'global'];
const HELD_KEY = 'ws-held';

/** Events keyed by workspace (or the global key), each numbered within its key: `<key>#<n>` as object name. */
function buildStream() {
  const perKey = new Map<string, number>();
  return Array.from({ length: EVENTS }, (_, i) => {
    const key = KEYS[(i * 7) % KEYS.length];
    const n = (perKey.get(key) ?? 0) + 1;
    perKey.set(key, n);
    const id = randomUUID();
    const body = auditEvent(id, key === 'global' ? undefined : key, n);
    return { id, key, n, value: JSON.stringify(body) };
  });
}

function isBefore(a: FeedEvent['position'], b: FeedEvent['position']): boolean {
  const [ax, bx] = [BigInt(a.xactId), BigInt(b.xactId)];
  return ax < bx || (ax === bx && BigInt(a.seq) < BigInt(b.seq));
}

/**
 * Two real audit-ingest processes share the topic's partitions and write concurrently, while a
 * follower pages through GET /api/v1/events/feed. One writer is made to commit late (it waits
 * behind a registration the test holds open) while the other commits later transactions: the
 * feed must hold those back rather than hand out positions past the late writer.
 */
describe('two audit-ingest processes on one topic, followed through the gateway feed', () => {
  let stack: TestStack;
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    stack = await createTestStack('concurrentingest');
    kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'concurrent-ingest-e2e');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
  });
  afterAll(async () => {
    for (const service of services) await service.kill();
    await Promise.all([producer?.disconnect(), admin?.disconnect()]);
    await stack?.teardown();
  });

  /**
   * Six events of one workspace, published together to one partition (one fetch, one batch), the
   * last with an id that sorts after the others: its writer registers five ids (taking a
   * transaction id) before it reaches the sixth.
   */
  function heldGroup() {
    return Array.from({ length: 6 }, (_, i) => {
      const id = i === 5 ? `zz-held-${randomUUID()}` : randomUUID();
      return { id, key: HELD_KEY, n: i + 1, value: JSON.stringify(auditEvent(id, HELD_KEY, i + 1)) };
    });
  }

  it('gives a follower every event exactly once, each workspace in publish order, positions ascending, past a writer that commits late', async () => {
    const topic = stack.topic(TOPICS.auditEvents);
    const group = `${stack.topicPrefix}meshtrail.audit-ingest`;
    // small batches: many short transactions from both processes, committing interleaved
    const ingestEnv = { ...stack.env, AUDIT_INGEST_MAX_BATCH_BYTES: '65536' };
    const keys = apiKeyStoreOf(stack);
    const adminKey = (await keys.create('follower', { admin: true, workspaces: [] }, 'test')).key;
    const started = await Promise.all([
      ServiceProcess.start('audit-ingest', ingestEnv),
      ServiceProcess.start('audit-ingest', ingestEnv),
      ServiceProcess.start('gateway', {
        ...stack.env,
        API_RATE_LIMIT_BURST: '1000000',
        API_RATE_LIMIT_PER_MINUTE: '60000000',
      }),
    ]);
    services.push(...started);
    const [first, second, gateway] = started;

    // both processes hold partitions of the topic before anything is published
    const assigned = await waitFor(
      'both audit-ingest processes to hold partitions of the topic',
      async () => {
        const [described] = (await admin.describeGroups([group])).groups;
        if (described.state !== 'Stable' || described.members.length !== 2) return undefined;
        const partitions = described.members.map(
          (member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? [],
        );
        return partitions.every((held) => held.length > 0) ? partitions : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(assigned.flat().sort()).toEqual([0, 1, 2]);

    const stream = buildStream();
    const held = heldGroup();
    const published = new Map([...stream, ...held].map((event) => [event.id, event]));
    const seen: FeedEvent[] = [];
    let pages = 0;
    let publishing = true;
    const follow = async () => {
      let after: string | undefined;
      const deadline = Date.now() + 45_000;
      let found = 0;
      while (publishing || found < published.size) {
        if (Date.now() > deadline) {
          throw new Error(`the follower saw ${found} of ${published.size} events before the deadline`);
        }
        const query = new URLSearchParams({ limit: String(50 + (pages % 7) * 40) });
        if (after) query.set('after', after);
        const res = await fetch(`${gateway.url}/api/v1/events/feed?${query}`, { headers: { 'x-api-key': adminKey } });
        if (res.status !== 200) throw new Error(`feed answered ${res.status}: ${await res.text()}`);
        const page = (await res.json()) as FeedPage;
        pages++;
        seen.push(...page.events);
        found += page.events.filter((event) => published.has(event.id)).length;
        after = page.next;
        // caught up for now: a follower pauses before asking again
        if (!page.more) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const following = follow();

    // A writer that commits late: the held group's writer takes a transaction id, then waits for
    // the registration of its last id, which this test holds uncommitted.
    const heldId = held[5].id;
    const holder = new Client({ connectionString: stack.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO audit_event_ids (id, hash, occurred_at) VALUES ($1, 'held', now())`, [heldId]);
      const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      const [heldPartition] = assigned[0];
      await producer.send({
        topic,
        acks: -1,
        messages: held.map(({ key, value }) => ({ key, value, partition: heldPartition })),
      });
      await waitFor('a writer with a transaction id to wait behind the held registration', async () => {
        const blocked = await stack.query(
          'SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND backend_xid IS NOT NULL',
          [pid],
        );
        return blocked.length > 0;
      });

      // meanwhile the other process stores the stream's events of its partitions, in later transactions
      const sent = sendAll(
        producer,
        topic,
        stream.map(({ key, value }) => ({ key, value })),
        20,
      );
      await waitFor('the other process to commit events behind the waiting writer', async () => {
        const [{ n }] = await stack.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM audit_events WHERE kafka_partition = ANY($1::int[])',
          [assigned[1]],
        );
        return n >= 200;
      });
      const asked = pages;
      await waitFor('the follower to ask twice more', () => pages >= asked + 2);
      // committed, but behind a writer still in flight: held back, so none of it can be skipped
      expect(seen.filter((event) => published.has(event.id)).length).toBe(0);
      await holder.query('ROLLBACK');
      await sent;
    } finally {
      publishing = false;
      await holder.end();
    }
    await following;

    // every published event exactly once, and nothing at all twice (the follower's own read records included)
    const ids = seen.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => published.has(id))).toHaveLength(EVENTS + held.length);
    // the commit order as exposed: strictly ascending
    const outOfOrder = seen.findIndex((event, i) => i > 0 && !isBefore(seen[i - 1].position, event.position));
    expect(outOfOrder).toBe(-1);
    // each workspace's events in the order they were published
    const numbers = new Map<string, number[]>();
    for (const event of seen) {
      const sent = published.get(event.id);
      if (!sent) continue;
      expect(event.workspace ?? 'global').toBe(sent.key);
      numbers.set(sent.key, [...(numbers.get(sent.key) ?? []), sent.n]);
    }
    for (const [key, order] of numbers) {
      expect({ key, order }).toEqual({ key, order: order.map((_, i) => i + 1) });
    }
    expect(pages).toBeGreaterThan(1);

    // both processes stored events, and their transactions alternate in the commit order the follower saw
    const storedBy = (service: ServiceProcess) =>
      service.logs
        .filter((line) => line.message === 'Events Ingested' && line.topic === topic)
        .reduce((sum, line) => sum + Number(line.count), 0);
    expect(storedBy(first)).toBeGreaterThan(0);
    expect(storedBy(second)).toBeGreaterThan(0);
    const rows = await stack.query<{ id: string; partition: number }>(
      'SELECT id, kafka_partition AS partition FROM audit_events WHERE id = ANY($1::text[])',
      [[...published.keys()]],
    );
    const partitionOf = new Map(rows.map((row) => [row.id, row.partition]));
    const members = seen
      .filter((event) => published.has(event.id))
      .map((event) => assigned.findIndex((held) => held.includes(partitionOf.get(event.id)!)));
    const switches = members.filter((member, i) => i > 0 && member !== members[i - 1]).length;
    expect(switches).toBeGreaterThan(1);
  }, 90_000);
});
