import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Producer } from 'kafkajs';
import { TOPICS } from '@meshtrail/contracts';
import { createKafkaClient } from '@meshtrail/kafka';
import { caughtUp } from '../support/audit-fixtures';
import { validAuditEvent } from '../support/hostile-records';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

const CLI = path.resolve(__dirname, '../../dist/apps/admin-cli/src/main.js');

/**
 * A record the validator accepts but the database refuses, for a reason nobody foresaw (here a
 * check constraint added by the test): the partition moves on, the record is a dead letter with
 * the database's error, and once the cause is gone a replay stores it, once, and is audited.
 */
describe('a failure the validator did not foresee', () => {
  let stack: TestStack;
  let ingest: ServiceProcess;
  let producer: Producer;

  beforeAll(async () => {
    stack = await createTestStack('unforeseen');
    const kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'unforeseen-e2e');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    ingest = await ServiceProcess.start('audit-ingest', stack.env);
  });
  afterAll(async () => {
    await producer.disconnect();
    await ingest?.stop();
    await stack.teardown();
  });

  async function drained(what: string) {
    const admin = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'unforeseen-admin').admin();
    await admin.connect();
    try {
      await waitFor(what, () =>
        caughtUp(admin, `${stack.topicPrefix}meshtrail.audit-ingest`, stack.topic(TOPICS.auditEvents)),
      );
    } finally {
      await admin.disconnect();
    }
  }

  async function cli(...args: string[]) {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...stack.env, LOG_LEVEL: 'warn' },
    });
    return JSON.parse(stdout) as { replayed: number };
  }

  it('dead-letters the refused record with the database error, moves on, and stores it once on replay', async () => {
    await stack.query(
      `ALTER TABLE audit_events ADD CONSTRAINT e2e_no_forbidden CHECK (object_name IS DISTINCT FROM 'forbidden')`,
    );
    const topic = stack.topic(TOPICS.auditEvents);
    const ids = Array.from({ length: 41 }, (_, i) => `unforeseen-${String(i).padStart(2, '0')}`);
    // the object's name is the change text: only the 21st is 'forbidden'
    const events = ids.map((id, i) => validAuditEvent(id, i === 20 ? 'forbidden' : `allowed ${i}`, 'ws-unforeseen'));
    // one partition, in order: the refused record sits in the middle of a batch
    await producer.send({
      topic,
      acks: -1,
      messages: events.map((event) => ({ partition: 1, key: 'ws-unforeseen', value: JSON.stringify(event) })),
    });

    await drained('the partition to move past the refused record');
    const stored = async () =>
      (
        await stack.query<{ id: string }>('SELECT id FROM audit_events WHERE workspace = $1 ORDER BY id', [
          'ws-unforeseen',
        ])
      ).map((row) => row.id);
    expect(await stored()).toEqual(ids.filter((_, i) => i !== 20));

    const [letter] = await stack.query<{ id: string; reason: string; message: string; source_offset: string }>(
      'SELECT id::text, reason, message, source_offset::text FROM dead_letters WHERE source_topic = $1',
      [topic],
    );
    expect(letter).toMatchObject({ reason: 'RECORD.HANDLING_FAILED', source_offset: '20' });
    expect(letter.message).toContain('violates check constraint "e2e_no_forbidden"');
    expect(letter.message).toContain('SQLSTATE 23514');
    const health = (await (await fetch(`${ingest.url}/actuator/health/readiness`)).json()) as { status: string };
    expect(health.status).toBe('UP');

    // the cause removed, the operator replays: stored once, and the replay is in the trail
    await stack.query('ALTER TABLE audit_events DROP CONSTRAINT e2e_no_forbidden');
    expect(await cli('replay-dead-letters', '--by', 'ops-ada', '--reason', 'RECORD.HANDLING_FAILED')).toMatchObject({
      replayed: 1,
    });
    await waitFor('the replayed record stored', async () => (await stored()).includes(ids[20]));
    const replayAudit = await waitFor('the replay audited', async () => {
      const rows = await stack.query<{ actor_id: string; change: string }>(
        `SELECT actor_id, change FROM audit_events WHERE object_type = 'DeadLetter'`,
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(replayAudit).toEqual([{ actor_id: 'ops-ada', change: expect.stringMatching(/^replayed 1 dead letter /) }]);

    // a second replay finds nothing new; replaying the same letter by id again stores nothing twice
    expect(await cli('replay-dead-letters', '--by', 'ops-ada', '--reason', 'RECORD.HANDLING_FAILED')).toMatchObject({
      replayed: 0,
    });
    expect(await cli('replay-dead-letters', '--by', 'ops-ada', '--id', letter.id)).toMatchObject({ replayed: 1 });
    await drained('the replayed copy and its audit event handled');
    const [{ n }] = await stack.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_events WHERE id = $1', [
      ids[20],
    ]);
    expect(n).toBe('1');
  }, 120_000);
});
