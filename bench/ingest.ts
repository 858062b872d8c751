/**
 * npm run bench:ingest [-- --events N] [--keep] [--profile DIR]
 *
 * End-to-end ingestion rate on this machine: N audit events of about 500 bytes are published to
 * a fresh topic, then a real audit-ingest process drains them into a fresh database (Kafka to
 * stored rows, timed from its first batch to the last). In the same run, the same rows are COPYed
 * into a scratch table with the same indexes: the ceiling. Prints both, and the ingest process's
 * peak resident memory.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { auditEventFields, copyRows, AUDIT_EVENT_COLUMNS } from '@meshtrail/audit-store';
import { TOPICS, validateAuditEvent, prefixedTopic } from '@meshtrail/contracts';
import { dropDatabase, migrateDatabase, withDatabase } from '@meshtrail/database';
import { createKafkaClient, KafkaAdmin } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import { processMemoryMiB } from './support/process-memory';

const args = process.argv.slice(2);
const flag = (name: string) => args.indexOf(`--${name}`);
const EVENTS = flag('events') >= 0 ? Number(args[flag('events') + 1]) : 1_000_000;
const KEEP = flag('keep') >= 0;
/** --profile DIR: a V8 CPU profile of the audit-ingest process, for finding where the time goes. */
const PROFILE_DIR = flag('profile') >= 0 ? path.resolve(args[flag('profile') + 1]) : undefined;
const PARTITIONS = 3;
const CHUNK = 5_000;
const ROOT = path.resolve(__dirname, '../..');

const OBJECT_TYPES = ['Project', 'Tenant', 'BuildingBlock', 'ProjectRole', 'OsbServiceInstance', 'LandingZone'];
const ACTIONS = ['created', 'updated', 'updated', 'updated', 'deleted'];
const started = new Date();

/** Event number i, the same every time it is asked for (~500 bytes of JSON). */
function benchEvent(run: string, i: number) {
  const objectType = OBJECT_TYPES[i % OBJECT_TYPES.length];
  const workspace = objectType === 'LandingZone' ? undefined : `workspace-${i % 200}`;
  return {
    specversion: '1.0',
    id: `${run}-${i.toString(16).padStart(8, '0')}`,
    source: 'meshstack/bench',
    type: `meshstack.${objectType.toLowerCase()}.updated`,
    subject: `${objectType.toLowerCase()}-${i % 20_000}`,
    time: new Date(started.getTime() - (EVENTS - i) * 5).toISOString(),
    datacontenttype: 'application/json',
    data: {
      objectType,
      objectId: `${objectType.toLowerCase()}-${i % 20_000}`,
      objectName: `Project ${i % 20_000}`,
      action: ACTIONS[i % ACTIONS.length],
      ...(workspace ? { workspace } : {}),
      actor: { kind: 'user', id: `user-${i % 500}`, displayName: `Bench User ${i % 500}` },
      change: `changed the quota of ${objectType} ${i % 20_000} from ${i % 97} to ${(i % 97) + 1}`,
      changes: [{ field: 'quota', from: i % 97, to: (i % 97) + 1 }],
      sourceIp: `10.${i % 256}.${(i >> 8) % 256}.${(i >> 16) % 256}`,
      correlationId: `corr-${i}`,
    },
  };
}

function rate(count: number, ms: number): number {
  return Math.round(count / (ms / 1000));
}

async function main(): Promise<void> {
  if (!Number.isInteger(EVENTS) || EVENTS < 1000) throw new Error('--events must be an integer of at least 1000');
  const run = `bench${randomBytes(3).toString('hex')}`;
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = withDatabase(baseUrl, `meshtrail_${run}`);
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const prefix = `${run}.`;
  const kafka = createKafkaClient({ KAFKA_BROKERS: brokers, KAFKA_SSL: false }, 'meshtrail-bench');
  const admin = new KafkaAdmin(kafka);
  const specs = planTopics({
    prefix,
    partitions: PARTITIONS,
    replicationFactor: 1,
    retentionHours: 24,
    deadLetterRetentionHours: 24,
    telemetryRetentionHours: 24,
  });
  const topic = prefixedTopic(TOPICS.auditEvents, prefix);
  process.stdout.write(
    `bench:ingest  ${EVENTS} events, database ${databaseUrl.replace(/\/\/[^@]*@/, '//')}, topic ${topic}\n`,
  );

  try {
    await migrateDatabase(databaseUrl);
    await admin.provision(specs);

    // 1. publish
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    let bytes = 0;
    const publishStart = Date.now();
    for (let i = 0; i < EVENTS; i += CHUNK) {
      const messages = [];
      for (let k = i; k < Math.min(EVENTS, i + CHUNK); k++) {
        const event = benchEvent(run, k);
        const value = JSON.stringify(event);
        bytes += value.length;
        messages.push({ key: event.data.workspace ?? 'global', value });
      }
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();
    const publishMs = Date.now() - publishStart;
    process.stdout.write(
      `  published        ${EVENTS} events, ${Math.round(bytes / EVENTS)} bytes each on average, ${rate(EVENTS, publishMs)} events/s\n`,
    );

    // 2. a real audit-ingest process drains the topic
    const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
    const child = spawn(process.execPath, [...profile, path.join(ROOT, 'dist/apps/audit-ingest/src/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        AUDIT_INGEST_CONCURRENCY: String(PARTITIONS),
        // AUDIT_* settings given to the bench reach the service, to compare tunings
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('AUDIT_'))),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let ingested = 0;
    let firstBatchAt: number | undefined;
    let lastBatchAt = 0;
    let batches = 0;
    let buffer = '';
    const done = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`audit-ingest exited early with ${code}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (!line.includes('"Events Ingested"')) continue;
          const record = JSON.parse(line) as { timestamp: string; topic: string; count: number; durationMs: number };
          if (record.topic !== topic) continue;
          const at = Date.parse(record.timestamp);
          firstBatchAt ??= at - record.durationMs;
          lastBatchAt = at;
          batches++;
          ingested += record.count;
          if (ingested >= EVENTS) resolve();
        }
      });
    });
    await done;
    const peakRssMb = Math.round(processMemoryMiB(child.pid!).peak);
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const ingestMs = lastBatchAt - firstBatchAt!;

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const [{ n }] = (await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_events')).rows;
    if (Number(n) !== EVENTS) throw new Error(`expected ${EVENTS} stored rows, found ${n}`);

    // 3. the ceiling: the same rows, COPYed into a table with the same indexes
    await db.query('CREATE TABLE bench_copy (LIKE audit_events INCLUDING ALL)');
    const now = new Date();
    // only the COPY statements are timed, not making the rows
    let copyMs = 0;
    for (let i = 0; i < EVENTS; i += CHUNK) {
      const rows = [];
      for (let k = i; k < Math.min(EVENTS, i + CHUNK); k++) {
        const valid = validateAuditEvent(benchEvent(run, k), { now, maxFutureSkewMs: 300_000 });
        if (!valid.ok) throw new Error(valid.message);
        rows.push([String(k + 1), ...auditEventFields({ ...valid, topic, partition: 0, offset: String(k) })]);
      }
      const copyStart = Date.now();
      await db.query('BEGIN');
      await copyRows(db, 'bench_copy', AUDIT_EVENT_COLUMNS, rows);
      await db.query('COMMIT');
      copyMs += Date.now() - copyStart;
    }
    await db.end();

    const endToEnd = rate(EVENTS, ingestMs);
    const ceiling = rate(EVENTS, copyMs);
    process.stdout.write(
      [
        `  end to end       ${endToEnd} events/s (Kafka to stored rows: ${EVENTS} events in ${(ingestMs / 1000).toFixed(1)} s, ${batches} batches)`,
        `  COPY ceiling     ${ceiling} events/s (the same rows into a table with the same indexes, ${(copyMs / 1000).toFixed(1)} s)`,
        `  ratio            ${((100 * endToEnd) / ceiling).toFixed(0)} % of the COPY ceiling`,
        `  peak memory      ${peakRssMb} MiB resident (audit-ingest VmHWM)`,
        '',
      ].join('\n'),
    );
  } finally {
    if (!KEEP) {
      await dropDatabase(databaseUrl).catch(() => undefined);
      await admin.deleteTopics(specs.map((spec) => spec.name)).catch(() => undefined);
    }
    await admin.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ingest failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
