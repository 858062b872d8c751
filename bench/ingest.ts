/**
 * npm run bench:ingest [-- --events N] [--instances N] [--latency-rate R] [--latency-seconds S] [--lock-sample-ms MS]
 *                        [--keep] [--profile DIR] [--no-seal] [--drain-only]
 *
 * End-to-end ingestion rate on this machine: N audit events of about 500 bytes are published to
 * a fresh topic, then --instances real audit-ingest processes (one consumer group) drain them into
 * a fresh database (Kafka to stored rows, timed from the first batch of any to the last batch of
 * any), while one connection samples the lock waits of their database backends. With more than
 * one instance, a single process drains the same records into a database of its own first, so
 * the sum can be set beside one process's rate. Then, with the gateway started beside the
 * instances, events are published at a steady rate for a while and sampled events are looked up
 * through the query API until they are returned: publish-to-queryable latency. Last, the same rows
 * are COPYed into scratch tables shaped like the hot table with only its key, the hot table as it
 * is, and the read model: the ceilings. Unless --no-seal, the same records are drained once more with
 * the sealer on (a checkpoint every SEAL_INTERVAL_SECONDS, signed with a key made for the run), for
 * the cost of sealing against the first drain, which runs with sealing off. Prints the rates, the ratios, each process's peak resident
 * memory, the lock waits and the latency percentiles, each beside its target where the issue set one.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Partitioners, type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { ApiKeyStore } from '@meshtrail/auth';
import { PROJECTOR_LOCK } from '@meshtrail/audit-store';
import { TOPICS, prefixedTopic } from '@meshtrail/contracts';
import { dropDatabase, migrateDatabase, withDatabase, withDatabaseConnection } from '@meshtrail/database';
import { createKafkaClient, KafkaAdmin, TopicNames } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import { benchEvent, toMessage } from './support/bench-events';
import { CEILING_SHAPES, checkpoint, copyCeilingMs } from './support/copy-ceilings';
import { DrainCpuMeter, type DrainCpu } from './support/drain-cpu';
import { GatewayProcess } from './support/gateway-process';
import { IngestProcesses, allRunning, combined, perSecond, type IngestFigures } from './support/ingest-processes';
import { LockWaitSampler, describeLockWaits, type LockWaitReport } from './support/lock-waits';
import { publishToQueryable, type PublishToQueryableResult } from './support/publish-to-queryable';

const args = process.argv.slice(2);
const flag = (name: string) => args.indexOf(`--${name}`);
const EVENTS = flag('events') >= 0 ? Number(args[flag('events') + 1]) : 1_000_000;
/** --instances N: audit-ingest processes draining the topic together (default 1). */
const INSTANCES = flag('instances') >= 0 ? Number(args[flag('instances') + 1]) : 1;
const KEEP = flag('keep') >= 0;
/** --profile DIR: a V8 CPU profile of each audit-ingest process, for finding where the time goes. */
const PROFILE_DIR = flag('profile') >= 0 ? path.resolve(args[flag('profile') + 1]) : undefined;
/** --latency-rate R: events/s published while latency is measured (default: half the end-to-end rate just measured). */
const LATENCY_RATE = flag('latency-rate') >= 0 ? Number(args[flag('latency-rate') + 1]) : undefined;
const LATENCY_SECONDS = flag('latency-seconds') >= 0 ? Number(args[flag('latency-seconds') + 1]) : 30;
/** --no-seal: skip the drain with the sealer on. */
const SEAL = flag('no-seal') < 0;
/** --drain-only: the drain and its figures (rate, memory, CPU per event, lock waits) alone, for comparing builds. */
const DRAIN_ONLY = flag('drain-only') >= 0;
/** The sealing drain's checkpoint interval: shorter than the default minute, so a drain of seconds pays for several passes. */
const SEAL_INTERVAL_SECONDS = 5;
/** Partitions each instance gets, and consumes at once (AUDIT_INGEST_CONCURRENCY). */
const PARTITIONS_PER_INSTANCE = 3;
const PARTITIONS = PARTITIONS_PER_INSTANCE * INSTANCES;
const CHUNK = 5_000;
/** The service's database application_name, by which its backends are sampled. */
const SERVICE = 'audit-ingest';
/** --lock-sample-ms MS: how often the ingest backends' lock waits are sampled during a drain (0: not at all). */
const LOCK_SAMPLE_MS = flag('lock-sample-ms') >= 0 ? Number(args[flag('lock-sample-ms') + 1]) : 20;
const ROOT = path.resolve(__dirname, '../..');
const started = new Date();

/** Drained event i, dated so the run's events lie in the recent past, 5 ms apart. */
const drainedEvent = (run: string, i: number) => benchEvent(run, i, new Date(started.getTime() - (EVENTS - i) * 5));

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const percent = (part: number, whole: number) => ((100 * part) / whole).toFixed(0);

/** One drain of the topic by `instances` processes into their own database. */
interface Drain {
  instances: number;
  processes: IngestProcesses;
  figures: IngestFigures[];
  peaksMiB: number[];
  locks?: LockWaitReport;
  /** CPU used from the first batch until the read model held every event. */
  cpu: DrainCpu;
  rate: number;
}

interface Setting {
  run: string;
  prefix: string;
  topic: string;
  brokers: string[];
  kafka: Kafka;
  admin: KafkaAdmin;
}

async function main(): Promise<void> {
  if (!Number.isInteger(EVENTS) || EVENTS < 1000) throw new Error('--events must be an integer of at least 1000');
  if (!Number.isInteger(INSTANCES) || INSTANCES < 1) throw new Error('--instances must be a positive integer');
  if (LATENCY_RATE !== undefined && !(LATENCY_RATE > 0)) throw new Error('--latency-rate must be a positive number');
  if (!(LATENCY_SECONDS > 0)) throw new Error('--latency-seconds must be a positive number');
  if (!(LOCK_SAMPLE_MS >= 0)) throw new Error('--lock-sample-ms must be a number of at least 0');
  const run = `bench${randomBytes(3).toString('hex')}`;
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = withDatabase(baseUrl, `meshtrail_${run}`);
  const singleDatabaseUrl = withDatabase(baseUrl, `meshtrail_${run}_single`);
  const sealDatabaseUrl = withDatabase(baseUrl, `meshtrail_${run}_seal`);
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
  const setting: Setting = { run, prefix, topic: prefixedTopic(TOPICS.auditEvents, prefix), brokers, kafka, admin };
  const out = (...lines: string[]) => process.stdout.write(lines.map((line) => `${line}\n`).join(''));
  out(
    `bench:ingest  ${EVENTS} events, ${INSTANCES} instance${INSTANCES > 1 ? 's' : ''}, ${PARTITIONS} partitions, database ${databaseUrl.replace(/\/\/[^@]*@/, '//')}, topic ${setting.topic}`,
  );

  try {
    await admin.provision(specs);
    await publish(setting, out);

    // with several instances, one process first drains the same records, for a rate to set the sum beside
    let single: Drain | undefined;
    if (INSTANCES > 1) {
      single = await drain(setting, 1, singleDatabaseUrl);
      await single.processes.stop();
      out(...describeDrain(single));
      await forgetGroup(setting);
      await quiesce(singleDatabaseUrl);
    }
    const all = await drain(setting, INSTANCES, databaseUrl);
    try {
      out(...describeDrain(all, single));
      if (!DRAIN_ONLY) {
        // publish-to-queryable latency, the same processes ingesting and the gateway answering
        const rate = LATENCY_RATE ?? Math.max(100, Math.round(all.rate / 2));
        // like every phase, it does not pay for the one before: the drain's rows vacuumed, its writes checkpointed
        await quiesce(databaseUrl);
        const latency = await measureLatency(setting, databaseUrl, rate);
        out(...describeLatency(latency, all.processes.peakMiB()));
      }
    } finally {
      await all.processes.stop();
    }
    if (DRAIN_ONLY) return;

    // the ceilings: the same rows, COPYed by one connection into tables of three shapes
    await quiesce(databaseUrl);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      out(
        `  COPY ceilings    the same rows COPYed by one connection, ${CHUNK} per transaction, into a fresh table; each beside the end-to-end rate${INSTANCES > 1 ? ` of ${INSTANCES} instances` : ''} (${all.rate} events/s)`,
      );
      for (const shape of CEILING_SHAPES) {
        const ms = await copyCeilingMs(db, shape, {
          count: EVENTS,
          event: (i) => drainedEvent(run, i),
          chunk: CHUNK,
          topic: setting.topic,
        });
        const ceiling = perSecond(EVENTS, ms);
        const target = shape.name === 'key only' ? ' (the target: at least 50 % of this one)' : '';
        out(
          `    ${shape.name.padEnd(15)}${ceiling} events/s (${shape.what}, ${seconds(ms)} s): end to end is ${percent(all.rate, ceiling)} %${target}`,
        );
      }
    } finally {
      await db.end();
    }

    if (SEAL) {
      await forgetGroup(setting);
      await quiesce(databaseUrl);
      const sealed = await drain(setting, INSTANCES, sealDatabaseUrl, sealingEnv());
      try {
        out(...(await describeSealing(sealed, all, sealDatabaseUrl)));
      } finally {
        await sealed.processes.stop();
      }
    }
  } finally {
    if (!KEEP) {
      await dropDatabase(databaseUrl).catch(() => undefined);
      await dropDatabase(singleDatabaseUrl).catch(() => undefined);
      await dropDatabase(sealDatabaseUrl).catch(() => undefined);
      await admin.deleteTopics(specs.map((spec) => spec.name)).catch(() => undefined);
    }
    await admin.close();
  }
}

async function publish(setting: Setting, out: (...lines: string[]) => void): Promise<void> {
  const producer = setting.kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  let bytes = 0;
  const publishStart = Date.now();
  for (let i = 0; i < EVENTS; i += CHUNK) {
    const messages = [];
    for (let k = i; k < Math.min(EVENTS, i + CHUNK); k++) {
      const message = toMessage(drainedEvent(setting.run, k));
      bytes += (message.value as string).length;
      messages.push(message);
    }
    await producer.send({ topic: setting.topic, acks: -1, messages });
  }
  await producer.disconnect();
  out(
    `  published        ${EVENTS} events, ${Math.round(bytes / EVENTS)} bytes each on average, ${perSecond(EVENTS, Date.now() - publishStart)} events/s`,
  );
}

/**
 * Starts `instances` audit-ingest processes on the topic with a fresh database and waits until
 * they have stored every event, sampling their lock waits from their first batch on. The processes
 * keep running; the caller stops them.
 */
async function drain(
  setting: Setting,
  instances: number,
  databaseUrl: string,
  sealing: Record<string, string> = { AUDIT_SEAL_INTERVAL_SECONDS: '0' },
): Promise<Drain> {
  await migrateDatabase(databaseUrl);
  await quiesce(databaseUrl);
  const processes = IngestProcesses.start(instances, {
    root: ROOT,
    topic: setting.topic,
    profileDir: PROFILE_DIR,
    env: {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: setting.brokers.join(','),
      KAFKA_TOPIC_PREFIX: setting.prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      AUDIT_INGEST_CONCURRENCY: String(PARTITIONS_PER_INSTANCE),
      // AUDIT_* settings given to the bench reach the service, to compare tunings
      ...Object.fromEntries(
        Object.entries(process.env).flatMap(([name, value]) =>
          name.startsWith('AUDIT_') && value !== undefined ? [[name, value]] : [],
        ),
      ),
      // sealing off, or on with the run's own key: the comparison the bench prints
      ...sealing,
    },
  });
  try {
    await processes.firstBatch();
    const cpuMeter = await DrainCpuMeter.start(databaseUrl, processes.pids(), SERVICE);
    const sampler =
      LOCK_SAMPLE_MS > 0
        ? await LockWaitSampler.start(databaseUrl, {
            applicationName: SERVICE,
            projectorLock: PROJECTOR_LOCK,
            intervalMs: LOCK_SAMPLE_MS,
          })
        : undefined;
    let locks: LockWaitReport | undefined;
    let figures: IngestFigures[];
    try {
      figures = await processes.stored(EVENTS);
    } finally {
      locks = await sampler?.stop();
    }
    await projected(databaseUrl);
    const cpu = await cpuMeter.stop();
    const peaksMiB = processes.peakMiB();
    // the sealing drain comes after the latency phase, whose events follow the drained ones on the topic
    await expectStored(databaseUrl, sealing.AUDIT_SEAL_INTERVAL_SECONDS === '0');
    const total = combined(figures);
    return { instances, processes, figures, peaksMiB, locks, cpu, rate: perSecond(total.stored, total.ms) };
  } catch (error) {
    await processes.stop();
    throw error;
  }
}

/**
 * Leaves nothing for autovacuum to do in the database and nothing dirty in shared buffers, so
 * the next measurement does not pay for the last one's writes.
 */
async function quiesce(databaseUrl: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('VACUUM (ANALYZE)');
    await checkpoint(db);
  } finally {
    await db.end();
  }
}

/** Resolves once the read model holds every drained event (the projector has caught up). */
async function projected(databaseUrl: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl, application_name: 'meshtrail-bench-ingest' });
  await db.connect();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [{ n }] = (await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_event_search')).rows;
      if (Number(n) >= EVENTS) return;
      if (Date.now() > deadline) throw new Error(`the read model held ${n} of ${EVENTS} events after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await db.end();
  }
}

async function expectStored(databaseUrl: string, exactly: boolean): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const [{ n }] = (await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_events')).rows;
    if (Number(n) < EVENTS || (exactly && Number(n) !== EVENTS)) {
      throw new Error(`expected ${exactly ? '' : 'at least '}${EVENTS} stored rows, found ${n}`);
    }
  } finally {
    await db.end();
  }
}

/** Forgets where the consumer group got to, once its members have left, so the next drain reads the topic from the start. */
async function forgetGroup(setting: Setting): Promise<void> {
  const names = new TopicNames({
    topicPrefix: setting.prefix,
    clientId: 'meshtrail-bench',
    connection: { KAFKA_BROKERS: setting.brokers, KAFKA_SSL: false },
  });
  const group = names.group(SERVICE);
  const deadline = Date.now() + 60_000;
  while ((await setting.admin.groupState(group)) !== 'Empty') {
    if (Date.now() > deadline) throw new Error(`consumer group ${group} did not empty within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const admin = setting.kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([group]);
  } finally {
    await admin.disconnect();
  }
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

function describeDrain(drain: Drain, single?: Drain): string[] {
  const total = combined(drain.figures);
  const several = drain.instances > 1;
  const label = INSTANCES === 1 ? 'end to end' : several ? `${drain.instances} instances` : '1 instance';
  const span = several ? ', from the first batch of any instance to the last of any' : '';
  const lines = [
    `  ${label.padEnd(17)}${drain.rate} events/s (Kafka to stored rows: ${total.stored} events in ${seconds(total.ms)} s, ${total.batches} batches${span})`,
  ];
  if (single) {
    lines.push(
      `  side by side     ${drain.instances} instances ${drain.rate} events/s together, 1 instance ${single.rate} events/s alone: ${percent(drain.rate, single.rate)} %`,
    );
  }
  if (!several) {
    lines.push(`  peak memory      ${drain.peaksMiB[0]} MiB resident (audit-ingest VmHWM)`);
  } else {
    const together = allRunning(drain.figures);
    if (together) {
      lines.push(
        `  all running      ${perSecond(together.stored, together.ms)} events/s (${together.stored} events in ${seconds(together.ms)} s: the batches that began once every instance had begun its first, +${seconds(together.from - total.firstBatchAt!)} s)`,
      );
    }
    for (const [index, f] of drain.figures.entries()) {
      const name = `  instance ${String(index + 1).padEnd(8)}`;
      const peak = `peak ${drain.peaksMiB[index]} MiB resident`;
      if (f.batches === 0) {
        lines.push(`${name}no batch before the others had stored every event, ${peak}`);
        continue;
      }
      const from = f.firstBatchAt! - total.firstBatchAt!;
      const to = f.lastBatchAt! - total.firstBatchAt!;
      lines.push(
        `${name}${f.stored} events, ${perSecond(f.stored, to - from)} events/s (its first batch to its last: +${seconds(from)} s to +${seconds(to)} s), ${f.batches} batches, ${f.duplicates} duplicates, ${peak}`,
      );
    }
  }
  lines.push(describeCpu(drain.cpu));
  return drain.locks ? [...lines, ...indent(describeLockWaits(drain.locks, PROJECTOR_LOCK))] : lines;
}

/** CPU time per event: what other work on a shared machine leaves nearly untouched, unlike the rates. */
function describeCpu(cpu: DrainCpu): string {
  const micros = (s: number) => ((s * 1e6) / EVENTS).toFixed(1);
  const postgres =
    cpu.postgresSeconds === undefined
      ? 'PostgreSQL backends not readable here'
      : `PostgreSQL ${micros(cpu.postgresSeconds)} µs (${cpu.postgresSeconds.toFixed(2)} s, ${cpu.backends} backends)`;
  return `  CPU per event    audit-ingest ${micros(cpu.ingestSeconds)} µs (${cpu.ingestSeconds.toFixed(2)} s), ${postgres}: user+sys from the first batch until the read model held every event`;
}

/** Sealing on, with a key made for this run (the first drains run with sealing off). */
function sealingEnv(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    AUDIT_SEAL_INTERVAL_SECONDS: String(SEAL_INTERVAL_SECONDS),
    AUDIT_SEAL_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    AUDIT_SEAL_KEY_ID: 'bench',
  };
}

/** The drain with sealing on beside the one with it off, and what the sealer had sealed when the drain ended. */
async function describeSealing(sealed: Drain, unsealed: Drain, databaseUrl: string): Promise<string[]> {
  const { checkpoints, events } = await withDatabaseConnection(
    { url: databaseUrl, poolMax: 1, applicationName: 'meshtrail-bench-ingest' },
    async (db) => {
      const rows = await db.query<{ checkpoints: string; events: string }>(
        `SELECT count(*)::text AS checkpoints, coalesce(sum(event_count), 0)::text AS events
         FROM audit_checkpoints WHERE kind = 'events'`,
      );
      return { checkpoints: Number(rows[0].checkpoints), events: Number(rows[0].events) };
    },
  );
  const slower = (100 * (unsealed.rate - sealed.rate)) / unsealed.rate;
  return [
    `  sealing on       ${sealed.rate} events/s (the same records into a fresh database, a checkpoint every ${SEAL_INTERVAL_SECONDS} s), sealing off ${unsealed.rate} events/s: ${slower >= 0 ? `${slower.toFixed(0)} % slower` : `${(-slower).toFixed(0)} % faster`} (target: at most 10 % slower)`,
    `                   when the last event was stored: ${checkpoints} checkpoints had sealed ${events} events; peak ${sealed.peaksMiB.map((mib) => `${mib} MiB`).join(', ')}`,
  ];
}

function describeLatency(latency: PublishToQueryableResult, peaksMiB: number[]): string[] {
  const { latency: l } = latency;
  return [
    `  queryable after  p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (target: p99 under 1000 ms)`,
    `                   in two parts, until the writer's transaction began p50 ${latency.untilWriter.p50.toFixed(0)} ms, p99 ${latency.untilWriter.p99.toFixed(0)} ms (Kafka, consumer, validation); after it p50 ${latency.afterWriter.p50.toFixed(0)} ms, p99 ${latency.afterWriter.p99.toFixed(0)} ms (write, projector, query)`,
    `                   ${l.count} samples found, ${latency.missed} missed (not returned within ${latency.deadlineSeconds} s): the first event of each send, one in about ${Math.round(latency.published / latency.sends)}, looked up every ${latency.pollEveryMs} ms by ${latency.pollers} pollers (${latency.lookups} lookups)`,
    `                   while ${latency.published} events were published at ${latency.publishedPerSecond} events/s for ${LATENCY_SECONDS} s; the bench itself used ${latency.benchCpuSeconds.toFixed(1)} s of CPU, audit-ingest peaked at ${peaksMiB.map((mib) => `${mib} MiB`).join(', ')}`,
  ];
}

/**
 * Publishes --latency-seconds of events at `eventsPerSecond` while the ingest processes run, with
 * the gateway started beside them, and times how long sampled events take to be returned by its query API.
 */
async function measureLatency(
  setting: Setting,
  databaseUrl: string,
  eventsPerSecond: number,
): Promise<PublishToQueryableResult> {
  const { kafka, run, topic, brokers, prefix } = setting;
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
      databaseUrl,
      eventsPerSecond,
      seconds: LATENCY_SECONDS,
    });
  } finally {
    await producer.disconnect();
    await gateway.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ingest failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
