#!/usr/bin/env node
// The local Kafka broker without Docker: a pinned Apache Kafka fetched from Maven Central as jars,
// cached once per machine, run as a single-node KRaft broker on 127.0.0.1 with the machine's Java.
//
//   node scripts/kafka-local.mjs fetch | start | stop | status      (KAFKA_PORT, default 9092)
//
// `start` is idempotent: when a broker already answers on the port it is reused, not restarted.
//
// Opt-in secured mode (KAFKA_SECURITY=sasl-scram): clients authenticate with SASL/SCRAM-SHA-512
// and the StandardAuthorizer enforces ACLs (no ACL, no access). KAFKA_ADMIN_USER /
// KAFKA_ADMIN_PASSWORD name the super user, who grants the ACLs; KAFKA_SCRAM_USERS
// ("name:password,name:password") lists the other users, created when the storage is formatted.
// Meant for a broker of its own on another port (tests of the ACLs); the shared development broker
// stays unauthenticated.
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

/** The secured mode's settings from the environment, or undefined for the plain broker. */
export function securityFromEnv(env = process.env) {
  if (!env.KAFKA_SECURITY) return undefined;
  if (env.KAFKA_SECURITY !== 'sasl-scram') throw new Error('KAFKA_SECURITY must be sasl-scram (or unset)');
  const adminUser = env.KAFKA_ADMIN_USER ?? 'admin';
  const adminPassword = env.KAFKA_ADMIN_PASSWORD;
  if (!adminPassword) throw new Error('KAFKA_SECURITY=sasl-scram needs KAFKA_ADMIN_PASSWORD');
  const users = (env.KAFKA_SCRAM_USERS ?? '')
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const at = entry.indexOf(':');
      if (at < 1 || at === entry.length - 1) throw new Error('KAFKA_SCRAM_USERS entries must be name:password');
      return { name: entry.slice(0, at).trim(), password: entry.slice(at + 1) };
    });
  for (const { name, password } of [{ name: adminUser, password: adminPassword }, ...users]) {
    // both end up inside a JAAS or --add-scram string: no quotes, brackets, commas or spaces
    if (!/^[A-Za-z0-9._-]+$/.test(name) || !/^[A-Za-z0-9._~!@#%^*+=-]+$/.test(password))
      throw new Error(
        `SCRAM user ${JSON.stringify(name)}: names are [A-Za-z0-9._-], passwords have no quotes, commas or spaces`,
      );
  }
  return { adminUser, adminPassword, users };
}

function listenerProperties(port, controllerPort, security) {
  if (!security) {
    return [
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    ];
  }
  const { adminUser, adminPassword } = security;
  return [
    `listeners=SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name=SASL_PLAINTEXT',
    'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    // clients: SCRAM users kept in the cluster metadata (created at format, or by kafka-configs)
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${adminUser}" password="${adminPassword}";`,
    // the controller cannot read SCRAM users before it has the metadata: PLAIN, the admin only,
    // so no anonymous principal needs to be a super user
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    'sasl.mechanism.controller.protocol=PLAIN',
    `listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${adminUser}" password="${adminPassword}" user_${adminUser}="${adminPassword}";`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${adminUser}`,
    'allow.everyone.if.no.acl.found=false',
  ];
}

function serverProperties(port, controllerPort, dataDir, security) {
  return [
    '# written by scripts/kafka-local.mjs: single-node KRaft broker for local development and tests',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    ...listenerProperties(port, controllerPort, security),
    'controller.listener.names=CONTROLLER',
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
async function brokerAnswers(port, timeoutMs = 3000, security = undefined) {
  if (!(await portOpen(port))) return false;
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({
    clientId: 'meshtrail-kafka-local',
    brokers: [`127.0.0.1:${port}`],
    ...(security
      ? { sasl: { mechanism: 'scram-sha-512', username: security.adminUser, password: security.adminPassword } }
      : {}),
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

/** Every SCRAM user of the secured mode, the admin first; none for the plain broker. */
function scramUsers(security) {
  if (!security) return [];
  return [{ name: security.adminUser, password: security.adminPassword }, ...security.users];
}

function formatStorage(dir, propertiesFile, security) {
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
      ...scramUsers(security).flatMap(({ name, password }) => [
        '--add-scram',
        `SCRAM-SHA-512=[name=${name},password=${password}]`,
      ]),
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
export async function startBroker({
  port = Number(process.env.KAFKA_PORT ?? 9092),
  timeoutMs = 90_000,
  security = securityFromEnv(),
} = {}) {
  const dir = stateDir(port);
  if (await brokerAnswers(port, 3000, security)) {
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
    // the secured mode's file holds the admin password: readable by this user only
    fs.writeFileSync(propertiesFile, serverProperties(port, port + 1, dataDir, security), { mode: 0o600 });
    fs.chmodSync(propertiesFile, 0o600);
    formatStorage(dir, propertiesFile, security);
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
    if (await brokerAnswers(port, 3000, security)) {
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
  return {
    port,
    answering: await brokerAnswers(port, 3000, securityFromEnv()),
    pid: pid && alive(pid) ? pid : undefined,
  };
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
