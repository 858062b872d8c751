/**
 * npm run bench:access-log [-- --duration=20 --rounds=2 --connections=32 --path=/version]
 *
 * The gateway's requests per second with access logging off and on, under load from this
 * process (autocannon) while the gateway runs as its own process against the real broker.
 * Rounds alternate off/on so drift on a shared machine hits both; each run is preceded by a
 * warm-up. With logging on, every request writes its line to stdout (a pipe this process reads,
 * as a container runtime would) and publishes its record to access-logs.v1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import { createKafkaClient, KafkaAdmin } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';

const ROOT = path.resolve(__dirname, '..', '..');
const argv = Object.fromEntries(
  process.argv
    .slice(2)
    .map((arg) => /^--([^=]+)=(.*)$/.exec(arg))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2]]),
);
const DURATION_S = Number(argv.duration ?? 20);
const WARMUP_S = Number(argv.warmup ?? 5);
const ROUNDS = Number(argv.rounds ?? 2);
const CONNECTIONS = Number(argv.connections ?? 32);
const PATH = argv.path ?? '/version';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PREFIX = `bench-al-${randomBytes(3).toString('hex')}.`;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Gateway {
  url: string;
  lines(): number;
  /** CPU seconds the gateway process has used (all its threads: JavaScript, GC, I/O). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** utime + stime from /proc (Linux), in clock ticks of 1/100 s. */
function processCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startGateway(accessLog: boolean): Promise<Gateway> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'dist/apps/gateway/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL,
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: PREFIX,
      ACCESS_LOG_ENABLED: String(accessLog),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let newlines = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) newlines++;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const up = await fetch(`${url}/actuator/health/liveness`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error('gateway did not start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  newlines = 0;
  return {
    url,
    lines: () => newlines,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : 0;
}

interface Run {
  accessLog: boolean;
  rps: number;
  /** The gateway's CPU time per request: steadier than req/s on a machine shared with other work. */
  cpuUsPerRequest: number;
  p99: number;
  errors: number;
  lines?: number;
  published?: number;
  dropped?: number;
  requests: number;
}

async function run(accessLog: boolean): Promise<Run> {
  const gateway = await startGateway(accessLog);
  try {
    await autocannon({ url: `${gateway.url}${PATH}`, connections: CONNECTIONS, duration: WARMUP_S });
    const before = {
      lines: gateway.lines(),
      published: await metric(gateway.url, 'meshtrail_access_log_published_total'),
      cpu: gateway.cpuSeconds(),
    };
    const result = await autocannon({ url: `${gateway.url}${PATH}`, connections: CONNECTIONS, duration: DURATION_S });
    const requests = result.requests.total;
    const outcome: Run = {
      accessLog,
      rps: requests / result.duration,
      cpuUsPerRequest: ((gateway.cpuSeconds() - before.cpu) * 1e6) / requests,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      requests,
    };
    if (accessLog) {
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the last lines and batches
      outcome.lines = gateway.lines() - before.lines;
      outcome.published = (await metric(gateway.url, 'meshtrail_access_log_published_total')) - before.published;
      outcome.dropped = await metric(gateway.url, 'meshtrail_access_log_dropped_total');
    }
    return outcome;
  } finally {
    await gateway.stop();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const admin = new KafkaAdmin(createKafkaClient({ KAFKA_BROKERS: BROKERS, KAFKA_SSL: false }, 'meshtrail-bench'));
  const topics = planTopics({
    prefix: PREFIX,
    partitions: 3,
    replicationFactor: 1,
    retentionHours: 1,
    deadLetterRetentionHours: 24,
    telemetryRetentionHours: 1,
  });
  await admin.provision(topics);
  const runs: Run[] = [];
  try {
    process.stdout.write(
      `access-log overhead: GET ${PATH}, ${CONNECTIONS} connections, ${DURATION_S} s per run after ${WARMUP_S} s warm-up, ${ROUNDS} rounds\n`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const accessLog of [false, true]) {
        const result = await run(accessLog);
        runs.push(result);
        const extra = accessLog
          ? `  lines=${result.lines}  published=${result.published}  dropped=${result.dropped}`
          : '';
        process.stdout.write(
          `  round ${round} access log ${accessLog ? 'on ' : 'off'}: ${result.rps.toFixed(0)} req/s  ` +
            `cpu=${result.cpuUsPerRequest.toFixed(0)} us/request  p99=${result.p99} ms  requests=${result.requests}  errors=${result.errors}${extra}\n`,
        );
      }
    }
  } finally {
    await admin.deleteTopics(topics.map((t) => t.name));
    await admin.close();
  }
  const pick = (accessLog: boolean, value: (r: Run) => number) =>
    median(runs.filter((r) => r.accessLog === accessLog).map(value));
  const off = pick(false, (r) => r.rps);
  const on = pick(true, (r) => r.rps);
  const cpuOff = pick(false, (r) => r.cpuUsPerRequest);
  const cpuOn = pick(true, (r) => r.cpuUsPerRequest);
  process.stdout.write(
    `without access logging: ${off.toFixed(0)} req/s, ${cpuOff.toFixed(0)} us CPU per request (medians)\n` +
      `with access logging:    ${on.toFixed(0)} req/s, ${cpuOn.toFixed(0)} us CPU per request (medians)\n` +
      `overhead:               ${((1 - on / off) * 100).toFixed(1)} % fewer requests/s, ` +
      `${((cpuOn / cpuOff - 1) * 100).toFixed(1)} % more gateway CPU per request (target < 10 %)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
