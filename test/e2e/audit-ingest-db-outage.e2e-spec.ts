import type { Admin, Kafka } from 'kafkajs';
import { AuditEventPublisher, TOPICS, type AuditEventInput } from '@meshtrail/contracts';
import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import { caughtUp } from '../support/audit-fixtures';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestStack, type TestStack } from '../support/test-stack';

const TOTAL = 3000;

interface ReadinessBody {
  components?: {
    consumers?: {
      status: string;
      details?: {
        stalled?: Array<{
          group: string;
          topic: string;
          partition: number;
          stalledForSeconds: number;
          lastError?: string;
        }>;
      };
    };
  };
}

function input(i: number): AuditEventInput {
  const workspace = `ws-${i % 6}`;
  return {
    data: {
      objectType: 'Project',
      objectId: `p-${i}`,
      objectName: `project ${i}`,
      action: 'created',
      workspace,
      actor: { kind: 'apiKey', id: 'k-1', displayName: 'CI pipeline' },
      change: `created project p-${i}`,
    },
  };
}

describe('audit-ingest when the database goes away in the middle of a stream', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  let proxiedUrl: string;
  let kafka: Kafka;
  let admin: Admin;
  let producer: KafkaProducer;
  let publisher: AuditEventPublisher;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    stack = await createTestStack('ingestdbdown');
    ({ proxy, url: proxiedUrl } = await TcpProxy.inFrontOf(stack.databaseUrl));
    kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'db-outage-e2e');
    admin = kafka.admin();
    producer = new KafkaProducer(kafka);
    publisher = new AuditEventPublisher({ sink: producer, source: 'meshstack/e2e', topicPrefix: stack.topicPrefix });
    await admin.connect();
  });
  afterAll(async () => {
    await service?.kill();
    await proxy.cut();
    await Promise.all([admin.disconnect(), producer.close()]);
    await stack.teardown();
  });

  const stored = async () =>
    Number((await stack.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_events'))[0].n);
  const publishRange = async (from: number, to: number) => {
    for (let i = from; i < to; i += 100) {
      await publisher.publish(Array.from({ length: Math.min(100, to - i) }, (_, k) => input(i + k)));
    }
  };

  it('pauses while the database is unreachable, commits nothing unstored, and stores everything once it is back', async () => {
    service = await ServiceProcess.start('audit-ingest', {
      ...stack.env,
      DATABASE_URL: proxiedUrl,
      AUDIT_INGEST_MAX_BATCH_BYTES: '65536',
      HEALTH_TIMEOUT_MS: '1000',
      KAFKA_CONSUMER_STALL_SECONDS: '3',
      KAFKA_CONSUMER_LAG_INTERVAL_MS: '1000',
    });
    const topic = stack.topic(TOPICS.auditEvents);
    const group = `${stack.topicPrefix}meshtrail.audit-ingest`;

    await publishRange(0, 1000);
    await waitFor('some events stored', async () => (await stored()) >= 300, { timeoutMs: 30_000 });
    await proxy.cut();
    await publishRange(1000, TOTAL);
    const running = service;
    await waitFor('a batch to fail on the database', () =>
      running.logs.find((line) => line.message === 'Batch Failed' && line.topic === topic),
    );
    const health = await fetch(`${service.url}/actuator/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { components: { db: { status: string } } }).components.db.status).toBe('DOWN');
    // the consumers component names the stalled partitions and why, within the stall time
    const stalled = await waitFor(
      'readiness to name the stalled partitions',
      async () => {
        const response = await fetch(`${running.url}/actuator/health/readiness`);
        const body = (await response.json()) as ReadinessBody;
        const consumers = body.components?.consumers;
        const ours = consumers?.details?.stalled?.filter((entry) => entry.topic === topic) ?? [];
        return response.status === 503 && consumers?.status === 'DOWN' && ours.length > 0 ? ours : undefined;
      },
      { timeoutMs: 20_000 },
    );
    for (const entry of stalled) {
      expect(entry).toMatchObject({
        group,
        topic,
        partition: expect.any(Number),
        stalledForSeconds: expect.any(Number),
      });
      expect(entry.lastError).toMatch(/^transient failure at offset \d+: /);
    }

    // no committed offset runs ahead of what was stored
    const committed = (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0].partitions;
    const storedUpTo = await stack.query<{ partition: number; next: string }>(
      'SELECT kafka_partition AS partition, (max(kafka_offset) + 1)::text AS next FROM audit_events GROUP BY 1',
    );
    for (const { partition, offset } of committed) {
      const next = Number(storedUpTo.find((row) => row.partition === partition)?.next ?? 0);
      expect({ partition, committed: Math.max(0, Number(offset)) <= next }).toEqual({ partition, committed: true });
    }
    const whileDown = await stored();
    expect(whileDown).toBeLessThan(TOTAL);

    await proxy.restore();
    await waitFor('every event stored after the database came back', async () => (await stored()) >= TOTAL, {
      timeoutMs: 90_000,
    });
    await waitFor('the consumer to commit up to the end of the topic', () => caughtUp(admin, group, topic));
    await waitFor('readiness UP again, with no stalled partition', async () => {
      const response = await fetch(`${running.url}/actuator/health/readiness`);
      const body = (await response.json()) as ReadinessBody;
      return response.status === 200 && body.components?.consumers?.status === 'UP';
    });
    expect(await stored()).toBe(TOTAL);
    const [{ distinct }] = await stack.query<{ distinct: string }>(
      `SELECT count(DISTINCT object_id)::text AS distinct FROM audit_events`,
    );
    expect(Number(distinct)).toBe(TOTAL);
    // the projections follow the trail a moment later
    await waitFor('the object counts to follow', async () => {
      const [row] = await stack.query<{ projects: string }>(
        `SELECT count::text AS projects FROM object_counts WHERE object_type = 'Project'`,
      );
      return Number(row?.projects) === TOTAL;
    });
    // an outage is not the events' fault: not one dead letter
    const dlqEnds = await admin.fetchTopicOffsets(stack.topic(TOPICS.auditEventsDeadLetter));
    expect(dlqEnds.map((p) => p.offset)).toEqual(dlqEnds.map(() => '0'));
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);
});
