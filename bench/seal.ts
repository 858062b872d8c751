/**
 * npm run bench:seal [-- --events N] [--keep]
 *
 * What sealing costs ingestion: N audit events of about 500 bytes are published twice, to two
 * fresh topic sets; a real audit-ingest process drains each into a fresh database, once with
 * sealing off (AUDIT_SEAL_INTERVAL_SECONDS=0) and once sealing every second, timed from the
 * first stored row to the last. Prints both rates and the cost in percent, how long after the
 * drain the last event was sealed, and, in this process, the sealer's and `verify`'s own rates
 * over the same rows; then the latency of the gateway's inclusion proofs over HTTP, out of
 * checkpoints of 10,000 events (the default maximum).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { ApiKeyStore } from '@meshtrail/auth';
import { TOPICS, prefixedTopic } from '@meshtrail/contracts';
import { dropDatabase, migrateDatabase, withDatabase } from '@meshtrail/database';
import { createKafkaClient, KafkaAdmin, KafkaProducer } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import { publicKeySet, sealNext, signerFromPem, verifyDatabase } from '@meshtrail/trail-proof';
import { GatewayProcess } from './support/gateway-process';
import { summarise } from './support/percentiles';

const args = process.argv.slice(2);
const at = args.indexOf('--events');
const EVENTS = at >= 0 ? Number(args[at + 1]) : 200_000;
const PARTITIONS = 3;
const ROOT = path.resolve(__dirname, '../..');
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pair = generateKeyPairSync('ed25519');
const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function event(run: string, i: number) {
  const workspace = `workspace-${i % 200}`;
  return {
    specversion: '1.0',
    id: `${run}-${i}`,
    source: 'meshstack/bench',
    type: 'meshstack.project.updated',
    subject: `project-${i}`,
    time: new Date(Date.now() - (EVENTS - i) * 5).toISOString(),
    datacontenttype: 'application/json',
    data: {
      objectType: 'Project',
      objectId: `project-${i}`,
      objectName: `Project ${i}`,
      action: 'updated',
      workspace,
      actor: { kind: 'user', id: `user-${i % 500}`, displayName: `User ${i % 500}` },
      change: `changed the description of project-${i} in ${workspace} to a longer text that makes the event about five hundred bytes`,
      changes: [{ field: 'description', from: 'before', to: 'after' }],
    },
  };
}

/** One run: publish, drain with a real audit-ingest, and (sealing on) wait until all is sealed. */
async function drain(
  label: string,
  sealSeconds: number,
): Promise<{ run: string; databaseUrl: string; drainMs: number; sealedAfterMs?: number }> {
  const run = `benchseal${randomBytes(3).toString('hex')}`;
  const prefix = `${run}.`;
  const databaseUrl = withDatabase(baseUrl, `meshtrail_${run}`);
  const kafka = createKafkaClient({ KAFKA_BROKERS: brokers, KAFKA_SSL: false }, 'meshtrail-bench');
  const admin = new KafkaAdmin(kafka);
  await migrateDatabase(databaseUrl);
  await admin.provision(
    planTopics({
      prefix,
      partitions: PARTITIONS,
      replicationFactor: 1,
      retentionHours: 24,
      deadLetterRetentionHours: 24,
      telemetryRetentionHours: 24,
    }),
  );
  await admin.close();
  const producer = new KafkaProducer(kafka);
  for (let i = 0; i < EVENTS; i += 5000) {
    const messages = [];
    for (let k = i; k < Math.min(EVENTS, i + 5000); k++) {
      const value = event(run, k);
      messages.push({ key: value.data.workspace, value: JSON.stringify(value) });
    }
    await producer.send(prefixedTopic(TOPICS.auditEvents, prefix), messages);
  }
  await producer.close();

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/audit-ingest/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AUDIT_INGEST_CONCURRENCY: String(PARTITIONS),
      AUDIT_SEAL_INTERVAL_SECONDS: String(sealSeconds),
      AUDIT_SEAL_PRIVATE_KEY: privatePem,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stored = async () =>
    Number((await db.query<{ n: string }>('SELECT last_value::text AS n FROM audit_events_seq')).rows[0].n);
  const sealed = async () =>
    Number(
      (await db.query<{ n: string }>('SELECT coalesce(sum(event_count), 0)::text AS n FROM audit_checkpoints')).rows[0]
        .n,
    );
  try {
    while ((await stored()) <= 1) await sleep(20);
    const began = Date.now();
    while ((await stored()) < EVENTS) await sleep(50);
    const drainMs = Date.now() - began;
    let sealedAfterMs: number | undefined;
    if (sealSeconds > 0) {
      while ((await sealed()) < EVENTS) await sleep(50);
      sealedAfterMs = Date.now() - began - drainMs;
    }
    process.stdout.write(
      `  ${label.padEnd(22)} ${rate(EVENTS, drainMs)} events/s (${(drainMs / 1000).toFixed(1)} s)\n`,
    );
    return { run, databaseUrl, drainMs, sealedAfterMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await db.end();
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(EVENTS) || EVENTS < 1000) throw new Error('--events must be an integer of at least 1000');
  process.stdout.write(`bench:seal  ${EVENTS} events, one audit-ingest process, ${PARTITIONS} partitions\n`);
  const off = await drain('sealing off', 0);
  const on = await drain('sealing every 1 s', 1);
  const cost = (100 * (on.drainMs - off.drainMs)) / off.drainMs;
  process.stdout.write(`  cost                   ${cost.toFixed(1)} % slower with sealing on (target: at most 10 %)\n`);
  process.stdout.write(
    `  last event sealed      ${((on.sealedAfterMs ?? 0) / 1000).toFixed(1)} s after the drain ended\n`,
  );

  // the sealer and the verifier alone, in this process, over the rows stored with sealing off
  const db = new Client({ connectionString: off.databaseUrl });
  await db.connect();
  try {
    const options = { signer: signerFromPem(privatePem), maxEvents: 10_000, now: () => new Date() };
    const sealStart = Date.now();
    while ((await sealNext(db, options)).events > 0);
    process.stdout.write(`  sealer alone           ${rate(EVENTS, Date.now() - sealStart)} events/s\n`);
    const verifyStart = Date.now();
    const report = await verifyDatabase(db, publicKeySet([{ pem: publicPem }]));
    process.stdout.write(
      `  verify (online)        ${rate(EVENTS, Date.now() - verifyStart)} events/s, ${report.ok ? 'OK' : 'FAILED'} (${report.eventsVerified} verified, ${report.eventsUnsealed} not projected before the process stopped, so not sealed)\n`,
    );
    for (const finding of report.findings.slice(0, 5))
      process.stdout.write(`    ${finding.problem}: ${finding.message}\n`);
    await proofLatency(db, off.run, off.databaseUrl);
  } finally {
    await db.end();
    if (!args.includes('--keep'))
      for (const run of [off, on]) await dropDatabase(run.databaseUrl).catch(() => undefined);
  }
}

/** Sequential GET /api/v1/events/{id}/proof over HTTP for events spread over the sealed checkpoints. */
async function proofLatency(db: Client, run: string, databaseUrl: string): Promise<void> {
  const keys = new ApiKeyStore({ query: async (sql, params) => (await db.query(sql, params)).rows as never });
  const { key } = await keys.create('bench-auditor', { admin: true, workspaces: [] }, 'bench');
  const gateway = await GatewayProcess.start(ROOT, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: `${run}.`,
    AUDIT_SEAL_PUBLIC_KEYS: publicPem,
    API_RATE_LIMIT_PER_MINUTE: '10000000',
    API_RATE_LIMIT_BURST: '1000000',
  });
  try {
    const samples: number[] = [];
    let verified = 0;
    const requests = 200;
    for (let r = 0; r < requests; r++) {
      const id = `${run}-${Math.floor(((r * 7919) % requests) * (EVENTS / requests))}`;
      const started = performance.now();
      const response = await fetch(`${gateway.url}/api/v1/events/${id}/proof`, { headers: { 'x-api-key': key } });
      const body = (await response.json()) as { sealed?: boolean; checks?: { verified: boolean } };
      samples.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`proof of ${id}: HTTP ${response.status}\n${gateway.recentLog()}`);
      if (body.checks?.verified) verified++;
    }
    const { p50, p95, max } = summarise(samples);
    process.stdout.write(
      `  proofs over HTTP       p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms (${requests} sequential, checkpoints of up to 10,000 events; ${verified} verified)\n`,
    );
  } finally {
    await gateway.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:seal failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
