#!/usr/bin/env node
// The local Kafka broker without Docker: a pinned Apache Kafka fetched from Maven Central as jars,
// cached once per machine, run as a single-node KRaft broker on 127.0.0.1 with the machine's Java.
//
//   node scripts/kafka-local.mjs fetch | start | stop | status      (KAFKA_PORT, default 9092)
//
// `start` is idempotent: when a broker already answers on the port it is reused, not restarted.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { alive, portOpen, readPid, stopByPidFile } from './lib/local-process.mjs';

export const KAFKA_VERSION = '3.9.1';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheRoot = process.env.MESHTRAIL_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'meshtrail');
const libsDir = path.join(cacheRoot, `kafka-${KAFKA_VERSION}`, 'libs');
const completeMarker = path.join(libsDir, '.complete');

function log(message) {
  process.stderr.write(`[kafka-local] ${message}\n`);
}

function stateDir(port) {
  return path.join(cacheRoot, 'kafka-state', String(port));
}

/** Downloads the broker jars into the machine-wide cache, once. */
export function fetchBroker() {
  if (fs.existsSync(completeMarker)) return libsDir;
  const staging = `${libsDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  log(`fetching Apache Kafka ${KAFKA_VERSION} jars with Maven (once per machine)`);
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      path.join(repoRoot, 'deploy/local-kafka/pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
    ],
    { stdio: 'inherit' },
  );
  if (result.error)
    throw new Error(`cannot run mvn: ${result.error.message} (Maven is needed once, to fetch the broker)`);
  if (result.status !== 0) throw new Error(`mvn exited with ${result.status} while fetching the Kafka jars`);
  const jars = fs.readdirSync(staging).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => j.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
    throw new Error(`the Maven fetch produced no kafka_2.13-${KAFKA_VERSION} jar in ${staging}`);
  }
  fs.mkdirSync(path.dirname(libsDir), { recursive: true });
  fs.rmSync(libsDir, { recursive: true, force: true });
  fs.renameSync(staging, libsDir);
  fs.writeFileSync(completeMarker, `${jars.length} jars\n`);
  log(`cached ${jars.length} jars in ${libsDir}`);
  return libsDir;
}

function serverProperties(port, controllerPort, dataDir) {
  return [
    '# written by scripts/kafka-local.mjs: single-node KRaft broker for local development and tests',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // one node: every internal topic has a single replica
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    // consumer groups join at once instead of waiting 3 s for more members
    'group.initial.rebalance.delay.ms=0',
    // topics are provisioned explicitly (partitions, retention); a typo must not create one
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    'num.partitions=3',
    'log.retention.hours=168',
    'log.segment.bytes=268435456',
    'message.max.bytes=2097152',
    '',
  ].join('\n');
}

/** True when a Kafka broker on the port answers a metadata request (kafkajs, from the project's deps). */
async function brokerAnswers(port, timeoutMs = 3000) {
  if (!(await portOpen(port))) return false;
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({
    clientId: 'meshtrail-kafka-local',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function readBrokerPid(dir) {
  return readPid(path.join(dir, 'broker.pid'));
}

function formatStorage(dir, propertiesFile) {
  const clusterIdFile = path.join(dir, 'cluster.id');
  if (!fs.existsSync(clusterIdFile) || fs.readFileSync(clusterIdFile, 'utf8').startsWith('-')) {
    // KRaft cluster ids are 22-character base64url UUIDs; like Kafka's own Uuid.randomUuid, never
    // one that starts with '-', which the storage tool would read as an option (1 in 64 would)
    let id;
    do id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    while (id.startsWith('-'));
    fs.writeFileSync(clusterIdFile, id);
  }
  const clusterId = fs.readFileSync(clusterIdFile, 'utf8').trim();
  const result = spawnSync(
    'java',
    [
      '-cp',
      `${libsDir}/*`,
      ...logArgs(dir),
      'kafka.tools.StorageTool',
      'format',
      '--ignore-formatted',
      '-t',
      clusterId,
      '-c',
      propertiesFile,
    ],
    { encoding: 'utf8' },
  );
  if (result.error) throw new Error(`cannot run java: ${result.error.message} (Java 17 runs the broker)`);
  if (result.status !== 0) throw new Error(`formatting the KRaft storage failed:\n${result.stdout}${result.stderr}`);
}

function logArgs(dir) {
  return [
    `-Dlog4j.configuration=file:${path.join(repoRoot, 'deploy/local-kafka/log4j.properties')}`,
    `-Dkafka.logs.dir=${dir}`,
  ];
}

/**
 * Ensures a broker answers on 127.0.0.1:port: reuses a running one, or fetches, formats and starts
 * ours in the background and waits until it serves metadata.
 */
export async function startBroker({ port = Number(process.env.KAFKA_PORT ?? 9092), timeoutMs = 90_000 } = {}) {
  const dir = stateDir(port);
  if (await brokerAnswers(port)) {
    log(`broker already running on 127.0.0.1:${port}`);
    return { port, started: false };
  }
  if (await portOpen(port)) {
    // Something listens but does not (yet) answer metadata: our broker still starting, or a stranger.
    const pid = readBrokerPid(dir);
    if (!pid || !alive(pid))
      throw new Error(`port ${port} is taken by something that is not a Kafka broker; set KAFKA_PORT`);
    log(`broker (pid ${pid}) is starting on 127.0.0.1:${port}; waiting`);
  } else {
    fetchBroker();
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    const propertiesFile = path.join(dir, 'server.properties');
    fs.writeFileSync(propertiesFile, serverProperties(port, port + 1, dataDir));
    formatStorage(dir, propertiesFile);
    const out = fs.openSync(path.join(dir, 'stdout.log'), 'a');
    const heap = process.env.KAFKA_HEAP ?? '512m';
    const child = spawn(
      'java',
      [
        `-Xms${heap}`,
        `-Xmx${heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        ...logArgs(dir),
        '-cp',
        `${libsDir}/*`,
        'kafka.Kafka',
        propertiesFile,
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    child.unref();
    fs.writeFileSync(path.join(dir, 'broker.pid'), String(child.pid));
    log(`started broker pid ${child.pid} on 127.0.0.1:${port} (logs: ${dir}/broker.log)`);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await brokerAnswers(port)) {
      log(`broker ready on 127.0.0.1:${port}`);
      return { port, started: true };
    }
    const pid = readBrokerPid(dir);
    if (pid && !alive(pid))
      throw new Error(`the broker exited during start-up; see ${dir}/broker.log and ${dir}/stdout.log`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the broker on port ${port} was not ready within ${timeoutMs} ms; see ${dir}/broker.log`);
}

/** Stops the broker this script started on the port (SIGTERM, then SIGKILL after the timeout). */
export async function stopBroker({ port = Number(process.env.KAFKA_PORT ?? 9092), timeoutMs = 30_000 } = {}) {
  const stopped = await stopByPidFile(path.join(stateDir(port), 'broker.pid'), { timeoutMs, log, name: 'broker' });
  if (!stopped) log(`no broker of ours running on port ${port}`);
  return stopped;
}

export async function brokerStatus({ port = Number(process.env.KAFKA_PORT ?? 9092) } = {}) {
  const pid = readBrokerPid(stateDir(port));
  return { port, answering: await brokerAnswers(port), pid: pid && alive(pid) ? pid : undefined };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2] ?? 'status';
  const actions = {
    fetch: async () => fetchBroker(),
    start: async () => startBroker(),
    stop: async () => stopBroker(),
    status: async () => {
      const status = await brokerStatus();
      process.stdout.write(`${JSON.stringify(status)}\n`);
      if (!status.answering) process.exitCode = 1;
    },
  };
  if (!actions[command]) {
    process.stderr.write(`usage: kafka-local.mjs fetch|start|stop|status\n`);
    process.exit(2);
  }
  actions[command]().catch((error) => {
    log(error.message);
    process.exit(1);
  });
}
