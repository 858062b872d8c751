/**
 * npm run bench:relay [-- --services=5 --points=400 --minutes=60 --throughput-records=600 --protocol=otlp]
 *
 * The telemetry relay as a real process against the real broker and database, with a local HTTP
 * receiver as the operations center. Prints:
 *  1. a simulated one-hour outage, time-compressed: the receiver answers 503 while an hour of
 *     exports (every service once a minute, timestamps spread over the last hour) is produced; the
 *     relay queues it on disk; then the receiver comes back and the backlog drains. Peak memory
 *     (VmHWM of the relay process) and the disk queue size are printed.
 *  2. steady-state throughput: data points per second from topic to receiver.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { TOPICS, prefixedTopic } from '@meshtrail/contracts';
import { dropDatabase, migrateDatabase, withDatabase } from '@meshtrail/database';
import { createKafkaClient, KafkaAdmin } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import {
  anyValueToString,
  decodeMetricsRequest,
  decodeRemoteWrite,
  encodeMetricsRequest,
  millisToNanos,
  requestDataPointCount,
  type ExportMetricsServiceRequest,
  type Metric,
} from '@meshtrail/otlp';
import { processMemoryMiB } from './support/process-memory';

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const SERVICES = Number(args.services ?? 5);
const POINTS = Number(args.points ?? 400);
const MINUTES = Number(args.minutes ?? 60);
const THROUGHPUT_RECORDS = Number(args['throughput-records'] ?? 600);
const PROTOCOL = (args.protocol ?? 'otlp') as 'otlp' | 'remote-write';
const ROOT = path.resolve(__dirname, '../..');
const say = (line: string) => process.stdout.write(`${line}\n`);
/** What the receiver counts: OTLP data points, or remote-write samples (a histogram point is 7 samples here). */
const UNIT = PROTOCOL === 'remote-write' ? 'samples' : 'points';
const PER_EXPORT = PROTOCOL === 'remote-write' ? POINTS + 6 * Math.floor(POINTS / 3) : POINTS;

/** One service's export: gauges, counters and a histogram family, POINTS data points in all. */
function serviceExport(service: string, atMillis: number, seq: number): ExportMetricsServiceRequest {
  const time = millisToNanos(atMillis);
  const start = millisToNanos(atMillis - 3_600_000);
  const attrs = (i: number) => [
    { key: 'topic', value: { stringValue: `topic-${i % 7}` } },
    { key: 'http.route', value: { stringValue: `/api/v1/r${i}` } },
    { key: 'workspace', value: { stringValue: `customer-${i % 13}` } },
  ];
  const metrics: Metric[] = [];
  let points = 0;
  for (let i = 0; points < POINTS; i++) {
    if (i % 3 === 2) {
      metrics.push({
        name: `http.server.request.duration.b${i}`,
        unit: 's',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              attributes: attrs(i),
              startTimeUnixNano: start,
              timeUnixNano: time,
              count: String(10 + seq),
              sum: 1.5 + seq,
              bucketCounts: ['1', '2', '3', '4', String(seq)],
              explicitBounds: [0.01, 0.1, 1, 10],
            },
          ],
        },
      });
    } else if (i % 3 === 1) {
      metrics.push({
        name: `meshtrail.kafka.consumer.records.c${i}`,
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [
            { attributes: attrs(i), startTimeUnixNano: start, timeUnixNano: time, asInt: String(seq * 10 + i) },
          ],
        },
      });
    } else {
      metrics.push({
        name: `system.memory.usage.g${i}`,
        gauge: { dataPoints: [{ attributes: attrs(i), timeUnixNano: time, asDouble: Math.random() * 1e9 }] },
      });
    }
    points++;
  }
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: service } },
            { key: 'service.instance.id', value: { stringValue: `${service}-1` } },
            { key: 'host.name', value: { stringValue: 'customer-host.internal' } },
          ],
        },
        scopeMetrics: [{ scope: { name: 'meshtrail' }, metrics }],
      },
    ],
  };
}

/** The operations center: counts the benchmark's data points; answers 503 while "down". */
class Receiver {
  down = true;
  points = 0;
  requests = 0;
  refused = 0;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (this.down) {
        this.refused++;
        res.writeHead(503).end('down for the benchmark');
        return;
      }
      this.requests++;
      const body = Buffer.concat(chunks);
      if (PROTOCOL === 'remote-write') {
        for (const series of decodeRemoteWrite(body).timeseries)
          if (series.labels.some((l) => l.name === 'job' && l.value.startsWith('bench-svc')))
            this.points += series.samples.length;
      } else {
        const request = decodeMetricsRequest(body);
        for (const resource of request.resourceMetrics) {
          const name = resource.resource?.attributes.find((kv) => kv.key === 'service.name');
          if (anyValueToString(name?.value).startsWith('bench-svc'))
            this.points += requestDataPointCount({ resourceMetrics: [resource] });
        }
      }
      res.writeHead(PROTOCOL === 'remote-write' ? 204 : 200).end();
    });
  });

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function dirBytes(dir: string): number {
  return fs.existsSync(dir) ? fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0) : 0;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const prefix = `bench-relay-${run}.`;
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const databaseUrl = withDatabase(
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    `meshtrail_bench_relay_${run}`,
  );
  const queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-bench-queue-'));
  const kafka = createKafkaClient({ KAFKA_BROKERS: brokers, KAFKA_SSL: false }, 'meshtrail-bench-relay');
  const admin = new KafkaAdmin(kafka);
  const specs = planTopics({
    prefix,
    partitions: 3,
    replicationFactor: 1,
    retentionHours: 1,
    deadLetterRetentionHours: 24,
    telemetryRetentionHours: 1,
  });
  await admin.provision(specs);
  await migrateDatabase(databaseUrl);
  const receiver = new Receiver();
  const port = await receiver.listen();
  const topic = prefixedTopic(TOPICS.telemetryOtlp, prefix);

  const relay = spawn(process.execPath, [path.join(ROOT, 'dist/apps/telemetry-relay/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      TELEMETRY_PROTOCOL: PROTOCOL,
      TELEMETRY_ALLOW_INSECURE: 'true',
      TELEMETRY_ENDPOINT: PROTOCOL === 'otlp' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/api/v1/write`,
      TELEMETRY_QUEUE_DIR: queueDir,
      TELEMETRY_RETRY_INITIAL_MS: '200',
      TELEMETRY_RETRY_MAX_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  relay.stdout.resume();
  const producer = kafka.producer();
  await producer.connect();
  const committed = async () => {
    const offsets = await admin.groupOffsets(`${prefix}meshtrail.telemetry-relay`, [topic]);
    return offsets[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) ?? 0;
  };
  const produce = async (records: ExportMetricsServiceRequest[]) => {
    for (let i = 0; i < records.length; i += 20)
      await producer.send({
        topic,
        messages: records
          .slice(i, i + 20)
          .map((r, j) => ({ key: `bench-svc-${(i + j) % SERVICES}`, value: Buffer.from(encodeMetricsRequest(r)) })),
      });
  };

  try {
    // give the relay time to join its group before the outage data arrives
    await until(
      'the relay consumer group',
      async () => (await admin.groupState(`${prefix}meshtrail.telemetry-relay`)) === 'Stable',
      60_000,
    );
    const idle = processMemoryMiB(relay.pid!);

    // 1. an hour of exports while the operations center is down
    const now = Date.now();
    const outage: ExportMetricsServiceRequest[] = [];
    for (let minute = 0; minute < MINUTES; minute++)
      for (let s = 0; s < SERVICES; s++)
        outage.push(serviceExport(`bench-svc-${s}`, now - (MINUTES - minute) * 60_000, minute));
    const outagePoints = outage.length * PER_EXPORT;
    const produceStart = Date.now();
    await produce(outage);
    await until('the relay to queue the outage data', async () => (await committed()) >= outage.length, 600_000);
    const queuedIn = (Date.now() - produceStart) / 1000;
    const queueBytes = dirBytes(queueDir);
    const duringOutage = processMemoryMiB(relay.pid!);

    receiver.down = false;
    const drainStart = Date.now();
    await until('the backlog to arrive', () => receiver.points >= outagePoints, 600_000);
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const afterDrain = processMemoryMiB(relay.pid!);

    // 2. steady state: the receiver is up; points from topic to receiver
    const steady: ExportMetricsServiceRequest[] = [];
    // distinct timestamps: one series never gets two samples for the same millisecond
    const base = Date.now() - THROUGHPUT_RECORDS;
    for (let i = 0; i < THROUGHPUT_RECORDS; i++)
      steady.push(serviceExport(`bench-svc-${i % SERVICES}`, base + i, 1000 + i));
    const before = receiver.points;
    const steadyStart = Date.now();
    await produce(steady);
    await until(
      'the steady-state records to arrive',
      () => receiver.points - before >= steady.length * PER_EXPORT,
      600_000,
    );
    const steadySeconds = (Date.now() - steadyStart) / 1000;
    const final = processMemoryMiB(relay.pid!);

    say(`relay benchmark (protocol ${PROTOCOL}, ${SERVICES} services x ${POINTS} points per export)`);
    const queuedPoints = outage.length * POINTS;
    const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
    say(`  simulated outage: ${MINUTES} min of exports = ${outage.length} records, ${queuedPoints} data points`);
    say(
      `    queued on disk in ${queuedIn.toFixed(1)} s (${Math.round(queuedPoints / queuedIn)} points/s), queue ${mib(queueBytes)} MiB`,
    );
    say(`    receiver refused ${receiver.refused} requests while down`);
    say(
      `    backlog of ${outagePoints} ${UNIT} delivered in ${drainSeconds.toFixed(1)} s (${Math.round(outagePoints / drainSeconds)} ${UNIT}/s)`,
    );
    say(`    relay memory: idle RSS ${idle.current.toFixed(0)} MiB`);
    say(
      `    relay peak RSS (VmHWM): ${duringOutage.peak.toFixed(0)} MiB during the outage, ${afterDrain.peak.toFixed(0)} MiB after the drain`,
    );
    const steadyPoints = steady.length * POINTS;
    say(
      `  steady state: ${steadyPoints} data points (${steady.length * PER_EXPORT} ${UNIT} out) in ${steadySeconds.toFixed(1)} s`,
    );
    say(`    = ${Math.round(steadyPoints / steadySeconds)} data points/s end to end (topic -> policy -> disk -> HTTP)`);
    say(`  relay peak RSS over the whole run: ${final.peak.toFixed(0)} MiB; outbound requests ${receiver.requests}`);
  } finally {
    relay.kill('SIGTERM');
    await new Promise((resolve) => relay.once('exit', resolve));
    await producer.disconnect();
    await admin.deleteTopics(specs.map((s) => s.name)).catch(() => undefined);
    await admin.close();
    await receiver.close();
    await dropDatabase(databaseUrl).catch(() => undefined);
    fs.rmSync(queueDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:relay failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
