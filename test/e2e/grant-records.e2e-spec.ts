/**
 * The grants consumer under hostile records, through the real broker: generated WorkspaceAccess
 * grants and revocations on access.grants.v1, interleaved with repeats, hostile mutations, events
 * that are not grants, and forged grants on audit.events.v1. The invariant, for every record: it
 * ends stored exactly once or dead-lettered with a reason; forged grants always dead-lettered as
 * GRANT.NOT_FROM_AUTHORITY and never stored; the memberships are exactly those the stored grants
 * and revocations leave, in publishing order per workspace; a valid grant published last on every
 * partition is stored (nothing halted).
 *
 * The seed is printed; FC_SEED=<seed> replays the same records.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Kafka, Producer } from 'kafkajs';
import { EVENT_FAILURES, TOPICS } from '@meshtrail/contracts';
import { createKafkaClient } from '@meshtrail/kafka';
import { caughtUp } from '../support/audit-fixtures';
import { auditRecord } from '../support/hostile-records';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { hostileString, propertySeed } from '../support/storable-arbitraries';
import { createTestStack, type TestStack } from '../support/test-stack';

const SEED = propertySeed('grant-records');
const RECORDS = 400;
const PARTITIONS = 3;
const WORKSPACES = ['ws-a', 'ws-b', 'ws-c', 'ws-d', 'ws-e'];
const USERS = ['u-1', 'u-2', 'u-3', 'mallory'];
const ROLES = ['Workspace Owner', 'Workspace Manager', 'Workspace Member'];

interface GrantRecord {
  topic: 'grants' | 'general';
  workspace: string;
  value: Buffer | null;
  /** The event's id, for the records built as events. */
  id?: string;
  /** A grant or revocation: what it would do to the memberships if stored. */
  effect?: { action: 'granted' | 'revoked'; user: string; role: string };
  /** `forged`: must be dead-lettered as GRANT.NOT_FROM_AUTHORITY; `any`: stored or dead-lettered. */
  expect: 'stored' | 'forged' | 'any';
  label: string;
}

let serial = 0;
const freshId = fc.constant(null).map(() => `b0000000-0000-4000-8000-${(serial++).toString(16).padStart(12, '0')}`);

function accessEvent(
  id: string,
  workspace: string,
  action: 'granted' | 'revoked',
  user: string,
  role: string,
  change: string,
) {
  return {
    specversion: '1.0',
    id,
    source: 'meshstack/identity',
    type: `meshstack.workspaceaccess.${action}`,
    time: new Date(Date.now() - 60_000).toISOString(),
    data: {
      objectType: 'WorkspaceAccess',
      objectId: user,
      action,
      workspace,
      actor: { kind: 'user', id: 'u-owner', displayName: 'Owner' },
      change,
      changes: [{ field: 'role', ...(action === 'granted' ? { to: role } : { from: role }) }],
    },
  };
}

const access = fc.record({
  id: freshId,
  workspace: fc.constantFrom(...WORKSPACES),
  action: fc.constantFrom('granted' as const, 'revoked' as const),
  user: fc.constantFrom(...USERS),
  role: fc.constantFrom(...ROLES),
});

const grantRecord: fc.Arbitrary<GrantRecord> = fc.oneof(
  {
    weight: 6,
    arbitrary: access.map(({ id, workspace, action, user, role }) => ({
      topic: 'grants' as const,
      workspace,
      id,
      value: Buffer.from(
        JSON.stringify(accessEvent(id, workspace, action, user, role, `${action} ${user} as ${role}`)),
      ),
      effect: { action, user, role },
      expect: 'stored' as const,
      label: `authorised ${action}`,
    })),
  },
  {
    // hostile text in the change line: stored as it is, or refused for what PostgreSQL cannot keep
    weight: 2,
    arbitrary: fc.tuple(access, hostileString).map(([{ id, workspace, action, user, role }, change]) => ({
      topic: 'grants' as const,
      workspace,
      id,
      value: Buffer.from(JSON.stringify(accessEvent(id, workspace, action, user, role, change || 'x'))),
      effect: { action, user, role },
      expect: 'any' as const,
      label: `${action} with a hostile change line`,
    })),
  },
  {
    weight: 3,
    arbitrary: access.map(({ id, workspace, action, user, role }) => ({
      topic: 'general' as const,
      workspace,
      id,
      value: Buffer.from(JSON.stringify(accessEvent(id, workspace, action, user, role, `forged ${action}`))),
      expect: 'forged' as const,
      label: `forged ${action} on the general topic`,
    })),
  },
  {
    // valid Project events and hostile mutations of them, where only grants belong
    weight: 2,
    arbitrary: fc.tuple(auditRecord(WORKSPACES), fc.constantFrom(...WORKSPACES)).map(([record, workspace]) => ({
      topic: 'grants' as const,
      workspace,
      value: record.value,
      expect: 'any' as const,
      label: `not a grant: ${record.label}`,
    })),
  },
);

describe('hostile grant records through the real broker: nothing lost, nothing doubled, nothing halted', () => {
  let stack: TestStack;
  let kafka: Kafka;
  let producer: Producer;
  let ingest: ServiceProcess;

  beforeAll(async () => {
    stack = await createTestStack('grantrecords');
    kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'grant-records-e2e');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    ingest = await ServiceProcess.start('audit-ingest', { ...stack.env, KAFKA_CONSUMER_LAG_INTERVAL_MS: '1000' });
  });
  afterAll(async () => {
    await producer?.disconnect();
    await ingest?.stop();
    await stack?.teardown();
  });

  async function drained(group: string, topic: string) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        `${group} to commit up to the end of ${topic}`,
        () => caughtUp(admin, `${stack.topicPrefix}meshtrail.${group}`, topic),
        {
          timeoutMs: 240_000,
          intervalMs: 500,
        },
      );
    } finally {
      await admin.disconnect();
    }
  }

  it('stores authorised grants once, dead-letters the rest with a reason, and the memberships follow the stored ones', async () => {
    const records = fc.sample(grantRecord, { seed: SEED, numRuns: RECORDS });
    // repeats of authorised grants, later in the stream: stored once
    const repeated = records.filter((r) => r.expect === 'stored').slice(0, 30);
    const all = records.concat(repeated.map((r) => ({ ...r, expect: 'any' as const, label: `repeat of ${r.label}` })));
    const topicOf = (record: GrantRecord) =>
      stack.topic(record.topic === 'grants' ? TOPICS.accessGrants : TOPICS.auditEvents);
    // one at a time, keyed by workspace: a workspace's grants keep their order
    for (const record of all) {
      await producer.send({
        topic: topicOf(record),
        acks: -1,
        messages: [{ key: record.workspace, value: record.value }],
      });
    }
    const sentinels = Array.from({ length: PARTITIONS }, (_, partition) => {
      const id = `c0000000-0000-4000-8000-00000000000${partition}`;
      return {
        id,
        value: JSON.stringify(
          accessEvent(id, 'ws-sentinel', 'granted', `sentinel-${partition}`, 'Workspace Member', 'last'),
        ),
      };
    });
    for (const [partition, sentinel] of sentinels.entries()) {
      await producer.send({
        topic: stack.topic(TOPICS.accessGrants),
        acks: -1,
        messages: [{ partition, value: sentinel.value }],
      });
    }
    await drained('audit-ingest.grants', stack.topic(TOPICS.accessGrants));
    await drained('audit-ingest', stack.topic(TOPICS.auditEvents));

    const stored = await stack.query<{ id: string; kafka_topic: string; object_type: string }>(
      'SELECT id, kafka_topic, object_type FROM audit_events',
    );
    const storedIds = new Set(stored.map((row) => row.id));
    for (const sentinel of sentinels) expect(storedIds).toContain(sentinel.id);
    expect(storedIds.size).toBe(stored.length);
    // nothing but grants came from the grants topic, and no grant from anywhere else
    expect(
      stored.filter(
        (row) => (row.object_type === 'WorkspaceAccess') !== (row.kafka_topic === stack.topic(TOPICS.accessGrants)),
      ),
    ).toEqual([]);

    const letters = await stack.query<{
      reason: string;
      message: string;
      value_sha256: string | null;
      source_topic: string;
    }>('SELECT reason, message, value_sha256, source_topic FROM dead_letters');
    const lettersBySha = new Map<string, typeof letters>();
    for (const letter of letters)
      lettersBySha.set(letter.value_sha256 ?? 'null', [
        ...(lettersBySha.get(letter.value_sha256 ?? 'null') ?? []),
        letter,
      ]);
    const sha = (value: Buffer | null) => (value === null ? 'null' : createHash('sha256').update(value).digest('hex'));

    const problems: string[] = [];
    for (const [index, record] of all.entries()) {
      const where = `#${index} ${record.label}`;
      const isStored = record.id !== undefined && storedIds.has(record.id);
      const letter = lettersBySha.get(sha(record.value))?.find((l) => l.source_topic === topicOf(record));
      if (record.expect === 'stored' && !isStored)
        problems.push(`${where}: built valid but not stored (${letter?.reason})`);
      if (record.expect === 'forged' && (isStored || letter?.reason !== EVENT_FAILURES.GRANT_NOT_FROM_AUTHORITY))
        problems.push(`${where}: forged grant ${isStored ? 'stored' : `dead-lettered as ${letter?.reason}`}`);
      if (!isStored && !letter) problems.push(`${where}: neither stored nor dead-lettered`);
      if (letter && (!letter.reason || !letter.message)) problems.push(`${where}: dead letter without a reason`);
    }
    expect(problems).toEqual([]);

    // the memberships: an independent model of the stored grants and revocations, in order
    const model = new Set<string>();
    const applied = new Set<string>();
    for (const record of all) {
      if (!record.effect || !record.id || !storedIds.has(record.id) || applied.has(record.id)) continue;
      applied.add(record.id);
      const key = JSON.stringify([record.workspace, record.effect.user, record.effect.role]);
      if (record.effect.action === 'granted') model.add(key);
      else model.delete(key);
    }
    for (const [partition] of sentinels.entries())
      model.add(JSON.stringify(['ws-sentinel', `sentinel-${partition}`, 'Workspace Member']));
    await waitFor(
      'the projector to pass every stored event',
      async () => {
        const [row] = await stack.query<{ behind: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM audit_events e, projection_positions p
                        WHERE p.projection = 'audit_events' AND (e.xact_id, e.seq) > (p.xact_id, p.seq)) AS behind`,
        );
        return !row.behind;
      },
      { timeoutMs: 60_000 },
    );
    const memberships = await stack.query<{ workspace: string; user_id: string; role: string }>(
      'SELECT workspace, user_id, role FROM workspace_memberships',
    );
    expect(memberships.map((m) => JSON.stringify([m.workspace, m.user_id, m.role])).sort()).toEqual([...model].sort());
    console.log(
      `grant-records: ${all.length} records, ${stored.length} stored, ${letters.length} dead letters, ${model.size} memberships`,
    );
    expect(ingest.child.exitCode).toBeNull();
    expect(ingest.logs.filter((line) => line.message === 'Consumer Crashed')).toEqual([]);
  }, 480_000);
});
