import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createKafkaClient } from '@meshtrail/kafka';
import { EVENT_FAILURES, TOPICS } from '@meshtrail/contracts';
import { auditEvent, caughtUp, readTopic, sendAll } from '../support/audit-fixtures';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

type Outgoing = { key: string | null; value: Buffer | string; headers?: Record<string, string> };

const WORKSPACES = Array.from({ length: 12 }, (_, i) => `ws-${i}`);
const VALID = 10_000;

/** A fixed pseudo-random sequence, so a failure can be replayed exactly. */
function random(seed: number) {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/**
 * 10,000 valid events for 12 workspaces and the global key, 300 exact re-publishes, and 500
 * invalid records of every kind (50 of them reuse a stored id with other content), interleaved.
 */
function buildStream() {
  const rnd = random(42);
  const perKey = new Map<string, number>();
  const valid: Array<Outgoing & { id: string; body: ReturnType<typeof auditEvent> }> = [];
  for (let i = 0; i < VALID; i++) {
    const workspace = i % 13 === 12 ? undefined : WORKSPACES[i % 12];
    const key = workspace ?? 'global';
    const n = (perKey.get(key) ?? 0) + 1;
    perKey.set(key, n);
    const id = randomUUID();
    const body = auditEvent(id, workspace, n, i % 10 === 0 ? { action: 'change' } : {});
    valid.push({ key, value: JSON.stringify(body), id, body });
  }
  const invalid: Array<Outgoing & { reason: string; after?: number }> = [];
  const add = (count: number, reason: string, make: (i: number) => Outgoing & { after?: number }) => {
    for (let i = 0; i < count; i++) invalid.push({ ...make(i), reason });
  };
  const base = (i: number) => auditEvent(randomUUID(), WORKSPACES[i % 12], 0);
  add(100, EVENT_FAILURES.NOT_JSON, (i) => ({
    key: WORKSPACES[i % 12],
    value: `{"specversion":"1.0","id":"broken-${i}"`,
  }));
  add(50, EVENT_FAILURES.NOT_CLOUDEVENT, (i) => ({ key: 'global', value: JSON.stringify({ hello: i }) }));
  add(50, EVENT_FAILURES.UNKNOWN_OBJECT_TYPE, (i) => ({
    key: 'global',
    value: JSON.stringify({ ...base(i), data: { ...base(i).data, objectType: 'Spaceship' } }),
  }));
  add(50, EVENT_FAILURES.UNKNOWN_ACTION, (i) => ({
    key: 'global',
    value: JSON.stringify({ ...base(i), data: { ...base(i).data, action: 'teleported' } }),
  }));
  add(50, EVENT_FAILURES.NO_ACTOR, (i) => {
    const { actor: _actor, ...data } = base(i).data;
    return { key: 'global', value: JSON.stringify({ ...base(i), data }) };
  });
  add(5, EVENT_FAILURES.TOO_LARGE, (i) => ({
    key: 'global',
    value: JSON.stringify({ ...base(i), data: { ...base(i).data, objectName: 'x'.repeat(1_100_000) } }),
  }));
  add(95, EVENT_FAILURES.INVALID_SCHEMA, (i) => ({
    key: 'global',
    value: JSON.stringify({
      ...base(i),
      data: { ...base(i).data, actor: { kind: 'robot', id: 'r', displayName: 'R' } },
    }),
  }));
  add(50, EVENT_FAILURES.TIME_IN_FUTURE, (i) => ({
    key: 'global',
    value: JSON.stringify({ ...base(i), time: new Date(Date.now() + 3_600_000).toISOString() }),
  }));
  add(50, EVENT_FAILURES.CONFLICTING_DUPLICATE, (i) => {
    const original = valid[i * 97];
    const body = { ...original.body, data: { ...original.body.data, change: 'a rewritten history' } };
    return { key: original.key, value: JSON.stringify(body), after: i * 97 };
  });
  const repeats = Array.from({ length: 300 }, (_, i) => ({ ...valid[i * 31 + 5], after: i * 31 + 5 }));

  // valid events keep their order; the rest is spread at random, each copy after its original
  const slots: Outgoing[][] = valid.map((v) => [v]);
  for (const extra of [...invalid, ...repeats]) {
    const from = extra.after ?? 0;
    slots[from + Math.floor(rnd() * (VALID - from))].push(extra);
  }
  const stream = slots.flat().map(({ key, value, headers }) => ({ key, value, headers }));
  const expectedReasons = new Map<string, number>();
  for (const { reason } of invalid) expectedReasons.set(reason, (expectedReasons.get(reason) ?? 0) + 1);
  return { stream, expectedReasons, perKey };
}

describe('audit-ingest: 10,000 valid events, 500 invalid ones, repeats and a crash', () => {
  let stack: TestStack;
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  const services: ServiceProcess[] = [];
  let dlq: Awaited<ReturnType<typeof readTopic>> | undefined;

  beforeAll(async () => {
    stack = await createTestStack('ingest10k');
    kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'ingest-e2e');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
  });
  afterAll(async () => {
    for (const service of services) await service.kill();
    await dlq?.stop();
    await Promise.all([producer.disconnect(), admin.disconnect()]);
    await stack.teardown();
  });

  const stored = async () =>
    Number((await stack.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_events'))[0].n);

  it('stores exactly the 10,000, dead-letters the 500 with their reasons, and keeps each workspace in order', async () => {
    const env = {
      ...stack.env,
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000',
      AUDIT_INGEST_MAX_BATCH_BYTES: '65536',
    };
    const topic = stack.topic(TOPICS.auditEvents);
    const group = `${stack.topicPrefix}meshtrail.audit-ingest`;
    const { stream, expectedReasons, perKey } = buildStream();
    dlq = await readTopic(kafka, stack.topic(TOPICS.auditEventsDeadLetter), `${stack.topicPrefix}dlq-reader`);

    const first = await ServiceProcess.start('audit-ingest', env);
    services.push(first);
    const half = Math.floor(stream.length / 2);
    await sendAll(producer, topic, stream.slice(0, half));
    await waitFor('the first process to store some events', async () => (await stored()) >= 2000, {
      timeoutMs: 60_000,
    });

    // a crash: no chance to commit what is in flight
    await first.kill();
    await sendAll(producer, topic, stream.slice(half));
    // and a rewind of one partition to its start: everything stored from it is delivered again
    await waitFor(
      'the crashed member to leave the group',
      async () => (await admin.describeGroups([group])).groups[0].state === 'Empty',
      { timeoutMs: 30_000 },
    );
    const storedFromP0 = Number(
      (await stack.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_events WHERE kafka_partition = 0'))[0].n,
    );
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] });

    const second = await ServiceProcess.start('audit-ingest', env);
    services.push(second);
    await waitFor('all 10,000 events stored', async () => (await stored()) >= VALID, { timeoutMs: 90_000 });
    const reader = dlq;
    await waitFor('500 distinct dead letters', () => reader.distinct().size >= 500, { timeoutMs: 30_000 });
    await waitFor('the second process to have worked through the whole topic', () => caughtUp(admin, group, topic));

    expect(await stored()).toBe(VALID);
    const [{ ids }] = await stack.query<{ ids: string }>('SELECT count(DISTINCT id)::text AS ids FROM audit_events');
    expect(Number(ids)).toBe(VALID);
    const [{ registered }] = await stack.query<{ registered: string }>(
      'SELECT count(*)::text AS registered FROM audit_event_ids',
    );
    expect(Number(registered)).toBe(VALID);
    const [{ normalised }] = await stack.query<{ normalised: string }>(
      `SELECT count(*)::text AS normalised FROM audit_events WHERE action = 'updated'`,
    );
    expect(Number(normalised)).toBe(VALID); // "change" became "updated"

    const letters = [...reader.distinct().values()];
    expect(letters).toHaveLength(500);
    const reasons = new Map<string, number>();
    for (const letter of letters) reasons.set(letter.reason, (reasons.get(letter.reason) ?? 0) + 1);
    expect(Object.fromEntries(reasons)).toEqual(Object.fromEntries(expectedReasons));
    for (const letter of letters) {
      expect(letter.message.length).toBeGreaterThan(0);
      expect(letter.source.topic).toBe(topic);
      // the original rides along when small; a large one (EVENT.TOO_LARGE) is named by size, hash and row
      if (letter.originalOmitted) {
        expect(letter).toMatchObject({ valueBase64: null, storedAs: { table: 'dead_letters' } });
        expect(letter.valueSize).toBeGreaterThan(262_144);
      } else expect(letter.valueBase64).not.toBeNull();
    }
    // every dead letter is kept whole in the table, once
    const [{ kept }] = await stack.query<{ kept: string }>(
      'SELECT count(*)::text AS kept FROM dead_letters WHERE source_topic = $1',
      [topic],
    );
    expect(Number(kept)).toBe(500);
    const large = letters.find((l) => l.originalOmitted);
    if (large) {
      const [row] = await stack.query<{ size: number; sha256: string }>(
        'SELECT octet_length(value) AS size, value_sha256 AS sha256 FROM dead_letters WHERE id = $1',
        [large.storedAs!.id],
      );
      expect(row).toEqual({ size: large.valueSize, sha256: large.valueSha256 });
    }
    const notJson = letters.find((l) => l.reason === EVENT_FAILURES.NOT_JSON)!;
    expect(Buffer.from(notJson.valueBase64!, 'base64').toString()).toMatch(/^\{"specversion":"1.0","id":"broken-\d+"$/);

    for (const [key, count] of perKey) {
      const rows = await stack.query<{ object_name: string }>(
        "SELECT object_name FROM audit_events WHERE coalesce(workspace, 'global') = $1 ORDER BY seq",
        [key],
      );
      expect(rows.map((r) => r.object_name)).toEqual(Array.from({ length: count }, (_, i) => `${key}#${i + 1}`));
    }

    // the rewound partition came back and was recognised, not stored again
    const duplicates = (service: ServiceProcess) =>
      service.logs
        .filter((line) => line.message === 'Events Ingested' && line.topic === topic)
        .reduce((sum, line) => sum + Number(line.duplicates), 0);
    expect(duplicates(second)).toBeGreaterThanOrEqual(storedFromP0);
    expect(duplicates(first) + duplicates(second)).toBeGreaterThanOrEqual(300 + storedFromP0);
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(metrics).toMatch(/meshtrail_audit_events_ingested_total\{[^}]*object_type="Project"[^}]*\} \d+/);
    expect(metrics).toMatch(/meshtrail_dead_letters_total\{[^}]*reason="EVENT.NOT_JSON"[^}]*\} \d+/);

    expect(await second.stop()).toEqual({ code: 0, signal: null });
  }, 240_000);
});
