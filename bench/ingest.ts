/**
 * npm run bench:ingest [-- --events N] [--latency-rate R] [--latency-seconds S] [--keep] [--profile DIR]
 *
 * End-to-end ingestion rate on this machine: N audit events of about 500 bytes are published to
 * a fresh topic, then a real audit-ingest process drains them into a fresh database (Kafka to
 * stored rows, timed from its first batch to the last). Then, with the gateway started beside it,
 * events are published at a steady rate for a while and sampled events are looked up through the
 * query API until they are returned: publish-to-queryable latency. Last, the same rows are COPYed
 * into two scratch tables, one with the same indexes and one with only the primary key: the
 * ceilings. Prints the rates, the ratios, the ingest process's peak resident memory and the
 * latency percentiles, each beside its target where the issue set one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { Client } from 'pg';
import { ApiKeyStore } from '@meshtrail/auth';
import { auditEventFields, copyRows, AUDIT_EVENT_COLUMNS } from '@meshtrail/audit-store';
import { TOPICS, validateAuditEvent, prefixedTopic } from '@meshtrail/contracts';
import { dropDatabase, migrateDatabase, withDatabase, withDatabaseConnection } from '@meshtrail/database';
import { createKafkaClient, KafkaAdmin } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import { GatewayProcess } from './support/gateway-process';
import { processMemoryMiB } from './support/process-memory';
import { publishToQueryable, type PublishToQueryableResult } from './support/publish-to-queryable';

const args = process.argv.slice(2);
const flag = (name: string) => args.indexOf(`--${name}`);
const EVENTS = flag('events') >= 0 ? Number(args[flag('events') + 1]) : 1_000_000;
const KEEP = flag('keep') >= 0;
/** --profile DIR: a V8 CPU profile of the audit-ingest process, for finding where the time goes. */
const PROFILE_DIR = flag('profile') >= 0 ? path.resolve(args[flag('profile') + 1]) : undefined;
/** --latency-rate R: events/s published while latency is measured (default: half the end-to-end rate just measured). */
const LATENCY_RATE = flag('latency-rate') >= 0 ? Number(args[flag('latency-rate') + 1]) : undefined;
const LATENCY_SECONDS = flag('latency-seconds') >= 0 ? Number(args[flag('latency-seconds') + 1]) : 30;
const PARTITIONS = 3;
const CHUNK = 5_000;
const ROOT = path.resolve(__dirname, '../..');

const OBJECT_TYPES = ['Project', 'Tenant', 'BuildingBlock', 'ProjectRole', 'OsbServiceInstance', 'LandingZone'];
const ACTIONS = ['created', 'updated', 'updated', 'updated', 'deleted'];
const started = new Date();

/** Event number i, the same every time it is asked for (~500 bytes of JSON), dated `time`. */
function benchEvent(run: string, i: number, time = new Date(started.getTime() - (EVENTS - i) * 5)) {
  const objectType = OBJECT_TYPES[i % OBJECT_TYPES.length];
  const workspace = objectType === 'LandingZone' ? undefined : `workspace-${i % 200}`;
  return {
    specversion: '1.0',
    id: `${run}-${i.toString(16).padStart(8, '0')}`,
    source: 'meshstack/bench',
    type: `meshstack.${objectType.toLowerCase()}.updated`,
    subject: `${objectType.toLowerCase()}-${i % 20_000}`,
    time: time.toISOString(),
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

/** An event as the publishers send it: keyed by workspace so one workspace's events stay in order. */
function toMessage(event: ReturnType<typeof benchEvent>): Message {
  return { key: event.data.workspace ?? 'global', value: JSON.stringify(event) };
}

function rate(count: number, ms: number): number {
  return Math.round(count / (ms / 1000));
}

async function main(): Promise<void> {
  if (!Number.isInteger(EVENTS) || EVENTS < 1000) throw new Error('--events must be an integer of at least 1000');
  if (LATENCY_RATE !== undefined && !(LATENCY_RATE > 0)) throw new Error('--latency-rate must be a positive number');
  if (!(LATENCY_SECONDS > 0)) throw new Error('--latency-seconds must be a positive number');
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
        const message = toMessage(benchEvent(run, k));
        bytes += (message.value as string).length;
        messages.push(message);
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
    const ingestMs = lastBatchAt - firstBatchAt!;
    const endToEnd = rate(EVENTS, ingestMs);

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const [{ n }] = (await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_events')).rows;
    if (Number(n) !== EVENTS) throw new Error(`expected ${EVENTS} stored rows, found ${n}`);

    // 3. publish-to-queryable latency, the same process ingesting and the gateway answering
    const latencyRate = LATENCY_RATE ?? Math.max(100, Math.round(endToEnd / 2));
    const latency = await measureLatency({
      kafka,
      run,
      topic,
      databaseUrl,
      brokers,
      prefix,
      eventsPerSecond: latencyRate,
    });
    const peakAfterLatencyMb = Math.round(processMemoryMiB(child.pid!).peak);
    await stopProcess(child);

    // 4. the ceilings: the same rows, COPYed into a table with the same indexes and into one with only the primary key
    const indexedMs = await copyMs(db, run, topic, 'bench_copy', '(LIKE audit_events INCLUDING ALL)');
    const keyOnlyMs = await copyMs(
      db,
      run,
      topic,
      'bench_copy_key',
      '(LIKE audit_events INCLUDING DEFAULTS, PRIMARY KEY (id, occurred_at))',
    );
    await db.end();

    const ceiling = rate(EVENTS, indexedMs);
    const keyOnly = rate(EVENTS, keyOnlyMs);
    const { latency: l } = latency;
    process.stdout.write(
      [
        `  end to end       ${endToEnd} events/s (Kafka to stored rows: ${EVENTS} events in ${(ingestMs / 1000).toFixed(1)} s, ${batches} batches)`,
        `  COPY ceiling     ${ceiling} events/s (the same rows into a table with the same indexes, ${(indexedMs / 1000).toFixed(1)} s)`,
        `  COPY, key only   ${keyOnly} events/s (the same rows into a table with only the primary key, ${(keyOnlyMs / 1000).toFixed(1)} s)`,
        `  ratio            ${((100 * endToEnd) / ceiling).toFixed(0)} % of the COPY ceiling`,
        `  ratio, key only  ${((100 * endToEnd) / keyOnly).toFixed(0)} % of the key-only COPY ceiling (target: at least 50 %)`,
        `  peak memory      ${peakRssMb} MiB resident (audit-ingest VmHWM)`,
        `  queryable after  p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (target: p99 under 1000 ms)`,
        `                   ${l.count} samples found, ${latency.missed} missed (not returned within ${latency.deadlineSeconds} s): the first event of each send, one in about ${Math.round(latency.published / latency.sends)}, looked up every ${latency.pollEveryMs} ms by ${latency.pollers} pollers (${latency.lookups} lookups)`,
        `                   while ${latency.published} events were published at ${latency.publishedPerSecond} events/s for ${LATENCY_SECONDS} s; the bench itself used ${latency.benchCpuSeconds.toFixed(1)} s of CPU, audit-ingest peaked at ${peakAfterLatencyMb} MiB`,
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

async function stopProcess(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Publishes --latency-seconds of events at `eventsPerSecond` while the ingest process runs, with the
 * gateway started beside it, and times how long sampled events take to be returned by its query API.
 */
async function measureLatency(options: {
  kafka: Kafka;
  run: string;
  topic: string;
  databaseUrl: string;
  brokers: string[];
  prefix: string;
  eventsPerSecond: number;
}): Promise<PublishToQueryableResult> {
  const { kafka, run, topic, databaseUrl, brokers, prefix, eventsPerSecond } = options;
  const apiKey = await withDatabaseConnection(
    { url: databaseUrl, poolMax: 1, applicationName: 'meshtrail-bench-ingest' },
    async (db) => (await new ApiKeyStore(db).create('bench-admin', { admin: true, workspaces: [] }, 'bench')).key,
  );
  const gateway = await GatewayProcess.start(ROOT, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    QUERY_CURSOR_SECRET: 'bench-ingest-cursor-secret-0123456789abcdef',
    API_RATE_LIMIT_PER_MINUTE: '10000000',
    API_RATE_LIMIT_BURST: '1000000',
  });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    return await publishToQueryable({
      producer,
      topic,
      // numbered after the drained events, dated now
      message: (i, sampleTag) => {
        const event = benchEvent(run, EVENTS + i, new Date());
        if (sampleTag) event.data.objectId = sampleTag;
        return toMessage(event);
      },
      tagPrefix: `${run}-sample`,
      gatewayUrl: gateway.url,
      apiKey,
      eventsPerSecond,
      seconds: LATENCY_SECONDS,
    });
  } finally {
    await producer.disconnect();
    await gateway.stop();
  }
}

/** Milliseconds spent COPYing the bench rows into a fresh table `table` shaped by `definition`. */
async function copyMs(db: Client, run: string, topic: string, table: string, definition: string): Promise<number> {
  await db.query(`CREATE TABLE ${table} ${definition}`);
  const now = new Date();
  // only the COPY statements are timed, not making the rows
  let ms = 0;
  for (let i = 0; i < EVENTS; i += CHUNK) {
    const rows = [];
    for (let k = i; k < Math.min(EVENTS, i + CHUNK); k++) {
      const valid = validateAuditEvent(benchEvent(run, k), { now, maxFutureSkewMs: 300_000 });
      if (!valid.ok) throw new Error(valid.message);
      rows.push([String(k + 1), ...auditEventFields({ ...valid, topic, partition: 0, offset: String(k) })]);
    }
    const copyStart = Date.now();
    await db.query('BEGIN');
    await copyRows(db, table, AUDIT_EVENT_COLUMNS, rows);
    await db.query('COMMIT');
    ms += Date.now() - copyStart;
  }
  return ms;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ingest failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
