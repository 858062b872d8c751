import { Client } from 'pg';
import { AuditEventPublisher, TOPICS, validateAuditEvent, type AuditCloudEvent } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import { waitFor } from '../../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { TopicReader } from '../../../../test/support/topic-reader';
import { lockHoldsShared } from './hold-lock';
import { HOLD_FAILURES } from './legal-hold';
import { LegalHoldService } from './legal-hold.service';
import { activeHoldWorkspaces, listHolds } from './legal-hold.store';

const ADMIN = { kind: 'user' as const, id: 'u-1', name: 'Ada Admin' };

describe('LegalHoldService (real PostgreSQL and Kafka)', () => {
  let stack: TestStack;
  let database: DatabaseConnection;
  let producer: KafkaProducer;
  let publisher: AuditEventPublisher;
  let reader: TopicReader;
  let holds: LegalHoldService;

  beforeAll(async () => {
    stack = await createTestStack('legalhold');
    database = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 3, applicationName: 'legal-hold-test' });
    producer = new KafkaProducer(
      createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'legal-hold-test'),
    );
    publisher = new AuditEventPublisher({ sink: producer, source: 'meshtrail/test', topicPrefix: stack.topicPrefix });
    reader = await TopicReader.start(stack.topic(TOPICS.auditEvents), stack.brokers);
    holds = new LegalHoldService(
      (work) => database.withClient(work),
      (events) => publisher.publish(events),
    );
  });
  afterAll(async () => {
    await reader.stop();
    await producer.close();
    await database.close();
    await stack.teardown();
  });

  it('places and releases a hold, each with its audit event on audit.events.v1', async () => {
    const placed = await holds.place({ workspace: 'ws-7', reason: 'litigation #42', by: ADMIN });
    expect(await database.withClient(activeHoldWorkspaces)).toEqual(['ws-7']);
    const released = await holds.release({ workspace: 'ws-7', reason: 'case closed', by: ADMIN });
    expect(await database.withClient(activeHoldWorkspaces)).toEqual([]);
    expect(released).toMatchObject({ id: placed.id, releaseReason: 'case closed', releasedBy: ADMIN });

    const events = await reader.waitForValues<AuditCloudEvent>(
      'the hold events',
      (event) => event.data.objectType === 'LegalHold',
      2,
    );
    expect(events.map((event) => [event.type, event.data.action, event.data.objectId])).toEqual([
      ['meshtrail.legalhold.placed', 'created', 'ws-7'],
      ['meshtrail.legalhold.released', 'deleted', 'ws-7'],
    ]);
    // global, so only administrators see holds; the actor is the principal who acted
    expect(events[0].data.workspace).toBeUndefined();
    expect(events[0].data.actor).toEqual({ kind: 'user', id: 'u-1', displayName: 'Ada Admin' });
    expect(events[0].data.changes).toContainEqual({ field: 'reason', to: 'litigation #42' });
    // and they pass the audit contract the ingest service applies
    for (const event of events)
      expect(validateAuditEvent(event, { now: new Date(), maxFutureSkewMs: 0 }).ok).toBe(true);
    // released holds stay as history
    expect((await database.withClient((sql) => listHolds(sql, true))).map((hold) => hold.workspace)).toEqual(['ws-7']);
  });

  it('refuses a second hold on a held workspace, a release of an unheld one, and bad input', async () => {
    await holds.place({ workspace: 'ws-8', reason: 'audit', by: ADMIN });
    await expect(holds.place({ workspace: 'ws-8', reason: 'again', by: ADMIN })).rejects.toMatchObject({
      code: HOLD_FAILURES.ALREADY_HELD,
    });
    await expect(holds.release({ workspace: 'ws-9', reason: 'none', by: ADMIN })).rejects.toMatchObject({
      code: HOLD_FAILURES.NOT_HELD,
    });
    await expect(holds.place({ workspace: 'ws 10', reason: 'x', by: ADMIN })).rejects.toThrow(/workspace: required/);
    await expect(holds.place({ workspace: 'ws-10', reason: ' ', by: ADMIN })).rejects.toThrow(/reason: required/);
  });

  it('leaves no hold behind when its audit event cannot be published', async () => {
    const failing = new LegalHoldService(
      (work) => database.withClient(work),
      async () => {
        throw new Error('broker unavailable');
      },
    );
    await expect(failing.place({ workspace: 'ws-11', reason: 'audit', by: ADMIN })).rejects.toThrow(
      'broker unavailable',
    );
    expect(await database.withClient(activeHoldWorkspaces)).not.toContain('ws-11');
  });

  it('waits for a deleting transaction in flight, so once placed nothing of the workspace is deleted', async () => {
    const deleter = new Client({ connectionString: stack.databaseUrl });
    await deleter.connect();
    try {
      await deleter.query('BEGIN');
      await lockHoldsShared(deleter);
      let placed = false;
      const placing = holds.place({ workspace: 'ws-12', reason: 'audit', by: ADMIN }).then(() => (placed = true));
      // the placing transaction queues behind the deleting one
      await waitFor('the hold to wait for the advisory lock', async () => {
        const rows = await database.query<{ waiting: string }>(
          `SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
        );
        return Number(rows[0].waiting) === 1;
      });
      expect(placed).toBe(false);
      await deleter.query('COMMIT');
      await placing;
      expect(await database.withClient(activeHoldWorkspaces)).toContain('ws-12');
    } finally {
      await deleter.end();
    }
  });
});
