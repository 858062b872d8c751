/**
 * Thousands of generated records, hostile ones interleaved with valid ones, published through the
 * real broker (uncompressed and under every codec a standard producer uses) to the audit-event,
 * Keycloak (log lines and the event feed's records) and access-log consumers of the real
 * services. The invariant, checked for every record: it ends stored exactly once or dead-lettered
 * with a reason; every record built valid is stored; a valid record published last on every
 * partition is stored; no service restarted.
 *
 * The seed is printed; FC_SEED=<seed> replays the same records.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { TOPICS, type DeadLetterRecord } from '@meshtrail/contracts';
import { createKafkaClient } from '@meshtrail/kafka';
import { caughtUp } from '../support/audit-fixtures';
import {
  accessLogRecord,
  auditRecord,
  keycloakRecord,
  repeats,
  validAccessLogRecord,
  validAuditEvent,
  validKeycloakLine,
  type HostileRecord,
} from '../support/hostile-records';
import { startGatewayUnderTest } from '../support/gateway-under-test';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';
import { apiKeyStoreOf } from '../support/api-keys';

const SEED = Number(process.env.FC_SEED ?? Date.now());
const PARTITIONS = 3;
const AUDIT_RECORDS = 1_200;
const AUDIT_REPEATS = 150;
const KEYCLOAK_RECORDS = 600;
const ACCESS_LOG_RECORDS = 500;
const CHUNK = 40;
/** Codecs in turn, one per chunk: kafkajs writes none and gzip; kcat (librdkafka) the others. */
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
type Codec = (typeof CODECS)[number];

interface Published<T extends HostileRecord = HostileRecord> {
  record: T;
  partition: number;
  offset: string;
}

describe('hostile records through the real broker: nothing lost, nothing doubled, nothing halted', () => {
  let stack: TestStack;
  let kafka: Kafka;
  let producer: Producer;
  let ingest: ServiceProcess;
  let accessLog: ServiceProcess;
  let scratch: string;

  beforeAll(async () => {
    console.log(`hostile-records seed: ${SEED} (FC_SEED=${SEED} replays these records)`);
    stack = await createTestStack('hostile');
    kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'hostile-records-e2e');
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    scratch = mkdtempSync(path.join(tmpdir(), 'meshtrail-hostile-'));
    const env = { ...stack.env, KAFKA_CONSUMER_STALL_SECONDS: '20', KAFKA_CONSUMER_LAG_INTERVAL_MS: '1000' };
    [ingest, accessLog] = await Promise.all([
      ServiceProcess.start('audit-ingest', env),
      ServiceProcess.start('access-log', env),
    ]);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await Promise.all([ingest?.stop(), accessLog?.stop()]);
    rmSync(scratch, { recursive: true, force: true });
    await stack.teardown();
  });

  /** Publishes records to one partition under one codec, in order; returns nothing (offsets are read back). */
  async function publishChunk(topic: string, partition: number, records: HostileRecord[], codec: Codec) {
    // kcat sends a file as a message, but no empty file, no null value and no headers per message
    const kcatCan =
      codec !== 'none' && codec !== 'gzip' && records.every((r) => (r.value?.length ?? 0) > 0 && !r.headers);
    if (!kcatCan) {
      // kafkajs: none or gzip (a record batch may not exceed the topic's limit: big ones travel alone)
      const compression = codec === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
      const send = (messages: HostileRecord[]) =>
        producer.send({
          topic,
          acks: -1,
          compression,
          messages: messages.map((r) => ({ partition, key: `ws-${partition}`, value: r.value, headers: r.headers })),
        });
      let small: HostileRecord[] = [];
      for (const record of records) {
        if ((record.value?.length ?? 0) > 200_000) {
          if (small.length > 0) await send(small);
          small = [];
          await send([record]);
        } else small.push(record);
      }
      if (small.length > 0) await send(small);
      return;
    }
    // kcat sends each file as one message, in order, compressed as a standard producer would
    const files = records.map((record, i) => {
      const file = path.join(scratch, `${topic}-${partition}-${i}`);
      writeFileSync(file, record.value!);
      return file;
    });
    execFileSync(
      'kcat',
      ['-P', '-b', stack.brokers[0], '-t', topic, '-p', String(partition), '-k', `ws-${partition}`, '-z', codec]
        .concat(['-X', 'message.max.bytes=2000000', '-X', 'enable.idempotence=true'])
        .concat(files),
      { timeout: 60_000 },
    );
    for (const file of files) rmSync(file);
  }

  /** Publishes in chunks (partition and codec in turn) and reads the topic back to learn each record's offset. */
  async function publish<T extends HostileRecord>(topic: string, records: T[]): Promise<Array<Published<T>>> {
    const perPartition: T[][] = Array.from({ length: PARTITIONS }, () => []);
    for (let start = 0, chunk = 0; start < records.length; start += CHUNK, chunk++) {
      const slice = records.slice(start, start + CHUNK);
      const partition = chunk % PARTITIONS;
      await publishChunk(topic, partition, slice, CODECS[chunk % CODECS.length]);
      perPartition[partition].push(...slice);
    }
    const offsets = await readAll(topic);
    return perPartition.flatMap((list, partition) =>
      list.map((record, i) => {
        const { offset, value } = offsets[partition][i];
        // the broker kept the publishing order: the record read back is the one published
        const same = value === null ? record.value === null : value.equals(record.value ?? Buffer.alloc(0));
        const read = { partition, i, label: record.label, bytes: value?.length ?? null };
        expect({ ...read, same }).toEqual({ ...read, bytes: record.value?.length ?? null, same: true });
        return { record, partition, offset };
      }),
    );
  }

  /** Every record of a topic up to its end as of now, per partition, in order. */
  async function readAll(topic: string) {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const seen: Array<Array<{ offset: string; value: Buffer | null }>> = ends.map(() => []);
    const consumer = kafka.consumer({
      groupId: `${stack.topicPrefix}reader-${topic}-${Date.now()}`,
      maxBytesPerPartition: 4_194_304,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen[partition].push({ offset: message.offset, value: message.value });
      },
    });
    const done = ({ partition, offset }: { partition: number; offset: string }) =>
      offset === '0' || BigInt(seen[partition].at(-1)?.offset ?? '-1') >= BigInt(offset) - 1n;
    await waitFor(`every record of ${topic} read`, () => ends.every(done), { timeoutMs: 60_000 });
    await consumer.disconnect();
    return seen;
  }

  /** The dead letters on a DLQ topic for records of `topic`. */
  async function deadLetters(dlqTopic: string, topic: string): Promise<DeadLetterRecord[]> {
    const records = (await readAll(dlqTopic)).flat();
    const letters = records.map(({ value }) => JSON.parse(value!.toString('utf8')) as DeadLetterRecord);
    return letters.filter((letter) => letter.source.topic === topic);
  }

  const key = (partition: number, offset: string) => `${partition}/${offset}`;

  async function drained(groupSuffix: string, topic: string) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        `${groupSuffix} to commit up to the end of ${topic}`,
        () => caughtUp(admin, `${stack.topicPrefix}meshtrail.${groupSuffix}`, topic),
        { timeoutMs: 240_000, intervalMs: 500 },
      );
    } catch (error) {
      // what the services said last, to see why a partition did not drain
      const said = [ingest, accessLog].flatMap((service) =>
        service.logs.filter((line) => line.level !== 'INFO' && line.level !== 'DEBUG').slice(-15),
      );
      throw new Error(`${(error as Error).message}\n${said.map((line) => JSON.stringify(line)).join('\n')}`);
    } finally {
      await admin.disconnect();
    }
  }

  function noRestarts() {
    for (const service of [ingest, accessLog]) {
      expect({ service: service.name, exitCode: service.child.exitCode }).toEqual({
        service: service.name,
        exitCode: null,
      });
      expect(service.logs.filter((line) => line.message === 'Service Started')).toHaveLength(1);
      expect(service.logs.filter((line) => line.message === 'Consumer Crashed')).toEqual([]);
    }
  }

  it('audit events: every record stored once or dead-lettered with a reason, and the partitions never stop', async () => {
    const topic = stack.topic(TOPICS.auditEvents);
    const workspaces = ['ws-a', 'ws-b', 'ws-c', 'ws-d'];
    const generated = fc.sample(auditRecord(workspaces), { seed: SEED, numRuns: AUDIT_RECORDS });
    const all = generated.concat(repeats(generated, AUDIT_REPEATS, SEED + 1));
    const published = await publish(topic, all);
    // a valid event last on every partition
    const sentinels = Array.from({ length: PARTITIONS }, (_, partition) =>
      validAuditEvent(`00000000-0000-4000-8000-00000000000${partition}`, `sentinel ${partition}`, 'ws-a'),
    );
    for (const [partition, event] of sentinels.entries()) {
      await producer.send({ topic, acks: -1, messages: [{ partition, value: JSON.stringify(event) }] });
    }
    await drained('audit-ingest', topic);

    const stored = await stack.query<{ partition: number; offset: string; id: string }>(
      'SELECT kafka_partition AS partition, kafka_offset::text AS offset, id FROM audit_events',
    );
    for (const event of sentinels) expect(stored.map((row) => row.id)).toContain(event.id);
    const storedAt = new Map(stored.map((row) => [key(row.partition, row.offset), row.id]));
    const letterAt = new Map<string, DeadLetterRecord>();
    for (const letter of await deadLetters(stack.topic(TOPICS.auditEventsDeadLetter), topic)) {
      letterAt.set(key(letter.source.partition, letter.source.offset), letter);
    }

    const bytesOf = (settled: (at: string) => boolean) =>
      new Set(
        published.filter((p) => settled(key(p.partition, p.offset))).map((p) => p.record.value?.toString('base64')),
      );
    const storedBytes = bytesOf((at) => storedAt.has(at));
    const deadLetteredBytes = bytesOf((at) => letterAt.has(at));
    const problems: string[] = [];
    for (const { record, partition, offset } of published) {
      const where = `${record.label} at ${key(partition, offset)}`;
      const isStored = storedAt.has(key(partition, offset));
      const letter = letterAt.get(key(partition, offset));
      if (isStored && letter) problems.push(`${where}: both stored and dead-lettered`);
      const sameAsStored = storedBytes.has(record.value?.toString('base64'));
      if (record.expect === 'stored' && !isStored && !sameAsStored) {
        problems.push(`${where}: built valid but not stored (${letter?.reason}: ${letter?.message})`);
      }
      if (letter && (!letter.reason || !letter.message)) problems.push(`${where}: dead letter without a reason`);
      // a database refusal means the validator let through what PostgreSQL refuses
      if (letter?.reason === 'RECORD.HANDLING_FAILED')
        problems.push(`${where}: refused by the database: ${letter.message}`);
      // neither: only a repeat of a settled record's bytes (a producer's retry in the same batch), kept once
      if (!isStored && !letter && !sameAsStored && !deadLetteredBytes.has(record.value?.toString('base64'))) {
        problems.push(`${where}: neither stored nor dead-lettered`);
      }
    }
    expect(problems).toEqual([]);
    // nothing stored that was not published, nothing stored twice
    expect(new Set(stored.map((row) => row.id)).size).toBe(stored.length);
    expect(stored.length).toBe(storedAt.size);
    const labels = new Map<string, number>();
    for (const { record } of published)
      labels.set(record.label.replace(/\d+/g, 'N'), (labels.get(record.label.replace(/\d+/g, 'N')) ?? 0) + 1);
    console.log(
      `audit: ${published.length} records, ${stored.length - PARTITIONS} stored, ${letterAt.size} dead-lettered; kinds: ${labels.size}`,
    );
    noRestarts();
  }, 480_000);

  it('Keycloak lines: every record stored once or dead-lettered with a reason', async () => {
    const topic = stack.topic(TOPICS.keycloakEventsRaw);
    const published = await publish(topic, fc.sample(keycloakRecord(), { seed: SEED + 2, numRuns: KEYCLOAK_RECORDS }));
    for (let partition = 0; partition < PARTITIONS; partition++) {
      await producer.send({
        topic,
        acks: -1,
        messages: [{ partition, value: validKeycloakLine(`sentinel-${partition}`) }],
      });
    }
    await drained('audit-ingest.keycloak', topic);

    const stored = await stack.query<{ partition: number; offset: string; user_id: string | null }>(
      'SELECT kafka_partition AS partition, kafka_offset::text AS offset, user_id FROM auth_events WHERE kafka_topic = $1',
      [topic],
    );
    for (let partition = 0; partition < PARTITIONS; partition++) {
      expect(stored.map((row) => row.user_id)).toContain(`sentinel-${partition}`);
    }
    const storedAt = new Set(stored.map((row) => key(row.partition, row.offset)));
    const letterAt = new Map<string, DeadLetterRecord>();
    for (const letter of await deadLetters(stack.topic(TOPICS.auditEventsDeadLetter), topic)) {
      letterAt.set(key(letter.source.partition, letter.source.offset), letter);
    }
    const problems: string[] = [];
    for (const { record, partition, offset } of published) {
      const where = `${record.label} at ${key(partition, offset)}`;
      const isStored = storedAt.has(key(partition, offset));
      const letter = letterAt.get(key(partition, offset));
      if (isStored === Boolean(letter))
        problems.push(`${where}: ${isStored ? 'both stored and dead-lettered' : 'neither stored nor dead-lettered'}`);
      if (record.expect === 'stored' && !isStored)
        problems.push(`${where}: built valid but not stored (${letter?.message})`);
      if (letter?.reason === 'RECORD.HANDLING_FAILED')
        problems.push(`${where}: refused by the database: ${letter.message}`);
    }
    expect(problems).toEqual([]);
    expect(stored.length).toBe(storedAt.size);
    // the event feed's records were among them (its valid ones are checked stored above)
    expect(published.filter(({ record }) => record.label === 'feed record').length).toBeGreaterThan(0);
    noRestarts();
  }, 300_000);

  it('access-log records: every line stored once or dead-lettered with a reason', async () => {
    const topic = stack.topic(TOPICS.accessLogs);
    const published = await publish(
      topic,
      fc.sample(accessLogRecord(), { seed: SEED + 3, numRuns: ACCESS_LOG_RECORDS }),
    );
    const sentinels = Array.from({ length: PARTITIONS }, (_, partition) =>
      validAccessLogRecord(`00000000-0000-4000-8000-0000000000a${partition}`),
    );
    for (const [partition, record] of sentinels.entries()) {
      await producer.send({ topic, acks: -1, messages: [{ partition, value: JSON.stringify(record) }] });
    }
    await drained('access-log.store', topic);

    const stored = new Set(
      (await stack.query<{ id: string }>('SELECT id::text AS id FROM access_logs')).map((row) => row.id),
    );
    for (const record of sentinels) expect(stored).toContain(record.id);
    // one dead letter per record and reason: `line N: ...; line M: ...` names its refused lines
    const refusedLines = new Set<string>();
    const databaseRefusals: string[] = [];
    for (const letter of await deadLetters(stack.topic(TOPICS.accessLogsDeadLetter), topic)) {
      const lines = [...letter.message.matchAll(/(?:^|; )line (\d+): /g)].map((match) => match[1]);
      for (const line of lines.length > 0 ? lines : ['record']) {
        refusedLines.add(`${key(letter.source.partition, letter.source.offset)}#${line}`);
      }
      if (letter.reason === 'RECORD.HANDLING_FAILED') {
        databaseRefusals.push(`${key(letter.source.partition, letter.source.offset)}: ${letter.message}`);
      }
    }
    // a database refusal means the validator let through what PostgreSQL refuses
    expect(databaseRefusals).toEqual([]);

    const problems: string[] = [];
    for (const { record, partition, offset } of published) {
      const where = `${record.label} at ${key(partition, offset)}`;
      if (record.lines.length === 0) {
        if (![...refusedLines].some((entry) => entry.startsWith(`${key(partition, offset)}#`))) {
          problems.push(`${where}: not dead-lettered`);
        }
        continue;
      }
      record.lines.forEach(({ line, expect: shouldStore }, index) => {
        let id: unknown;
        try {
          id = (JSON.parse(line) as { id?: unknown }).id;
        } catch {
          id = undefined;
        }
        const isStored = typeof id === 'string' && stored.has(id.toLowerCase());
        // a line alone, or the whole record when it failed as a whole
        const isRefused =
          refusedLines.has(`${key(partition, offset)}#${index}`) ||
          refusedLines.has(`${key(partition, offset)}#record`);
        if (shouldStore === 'stored' && !isStored) problems.push(`${where}, line ${index}: built valid but not stored`);
        if (!isStored && !isRefused) problems.push(`${where}, line ${index}: neither stored nor dead-lettered`);
        if (isStored && isRefused) problems.push(`${where}, line ${index}: both stored and dead-lettered`);
      });
    }
    expect(problems).toEqual([]);
    noRestarts();
  }, 300_000);

  it('Workspace events with hostile names: the projection keeps up, holds each latest name, and GET /api/v1/workspaces answers', async () => {
    // last (its gateway's access lines go to the access-log topic the test before reads); after the audit
    // events above, whose mix holds Workspace events named hugely, bidi, blank, decomposed, refused
    const health = async () =>
      (
        (await (await fetch(`${ingest.url}/actuator/health`)).json()) as {
          components: { projection: { status: string; details?: { eventsBehind?: number; error?: string } } };
        }
      ).components.projection;
    const projection = await waitFor(
      'the projection caught up with every stored event',
      async () => {
        const current = await health();
        return current.status === 'UP' && current.details?.eventsBehind === 0 ? current : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect(projection.details?.error).toBeUndefined();
    const [{ trail, search }] = await stack.query<{ trail: string; search: string }>(
      'SELECT (SELECT count(*) FROM audit_events)::text AS trail, (SELECT count(*) FROM audit_event_search)::text AS search',
    );
    expect(search).toBe(trail);

    // each workspace's latest non-blank name from a created or updated event (commit order), as stored
    const events = await stack.query<{ workspace: string; name: string | null; action: string }>(
      `SELECT object_id AS workspace, object_name AS name, action FROM audit_events
       WHERE object_type = 'Workspace' ORDER BY xact_id, seq`,
    );
    const expected = new Map<string, string | null>();
    for (const { workspace, name, action } of events) {
      const named = name !== null && /[^\p{White_Space}\p{Cc}\p{Cf}]/u.test(name);
      if (named && action !== 'deleted') expected.set(workspace, name);
      else if (named && !expected.get(workspace)) expected.set(workspace, name);
      else if (!expected.has(workspace)) expected.set(workspace, null);
    }
    expect(expected.size).toBeGreaterThan(0);
    console.log(`workspace names: ${events.length} Workspace events stored, ${expected.size} workspaces`);
    const names = await stack.query<{ workspace: string; name: string | null }>(
      'SELECT workspace, name FROM workspace_names',
    );
    expect(new Map(names.map((row) => [row.workspace, row.name]))).toEqual(expected);

    // the query API takes every name the projection holds, and lists them
    const store = apiKeyStoreOf(stack);
    const { key } = await store.create('hostile-names', { admin: true, workspaces: [] }, 'test');
    const { app, base } = await startGatewayUnderTest(stack.env);
    try {
      const get = async (path: string) => {
        const response = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const listed = await get('/workspaces?limit=1000');
      expect(listed.status).toBe(200);
      const ids = (listed.body.workspaces as Array<{ id: string }>).map((w) => w.id).sort();
      expect(ids).toEqual([...expected.keys()].sort());
      const problems: string[] = [];
      for (const [workspace, name] of expected) {
        if (name === null) continue;
        for (const path of [
          `/events?${new URLSearchParams({ workspace: name, limit: '1' })}`,
          `/events/stats?${new URLSearchParams({ workspace: name })}`,
          `/workspaces?${new URLSearchParams({ q: name.slice(0, 40) })}`,
        ]) {
          const { status, body } = await get(path);
          if (status !== 200)
            problems.push(`${path.slice(0, 60)} (${name.length} characters): ${status} ${body.message}`);
        }
        const { body } = await get(`/events?${new URLSearchParams({ workspace: name, limit: '1' })}`);
        const found = (body.events as Array<{ workspace: string }> | undefined)?.[0]?.workspace;
        if (found === undefined) problems.push(`workspace ${workspace.slice(0, 20)}: nothing found by its name`);
      }
      expect(problems).toEqual([]);
    } finally {
      await app.close();
    }
  }, 300_000);
});
