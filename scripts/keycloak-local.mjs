#!/usr/bin/env node
// A real Keycloak without Docker: Keycloak's own server distribution (keycloak-quarkus-dist) fetched
// from Maven Central once per machine, started in development mode on 127.0.0.1 with the machine's
// Java, an in-memory database and the realm of deploy/keycloak/ imported at every start.
//
//   node scripts/keycloak-local.mjs fetch | start | stop | status      (KEYCLOAK_PORT, default 8180)
//   start and stop take --owner=<id>: stop then stops Keycloak only if that owner started it
//
// `start` is idempotent: when a Keycloak already serves the meshtrail realm on the port it is reused.
// Development mode only (plain HTTP, in-memory database, a local admin): never a production server.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, portOpen, readPid, stopByPidFile } from './lib/local-process.mjs';

/** Runs on Java 17 (Keycloak 26.5 still does; later minors may not). */
export const KEYCLOAK_VERSION = '26.5.6';
export const KEYCLOAK_REALM = 'meshtrail';
/** The local admin of the master realm (development mode only). */
export const KEYCLOAK_ADMIN = { username: 'admin', password: process.env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin' };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const realmDir = path.join(repoRoot, 'deploy', 'keycloak');
const cacheRoot = process.env.MESHTRAIL_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'meshtrail');
const distDir = path.join(cacheRoot, `keycloak-${KEYCLOAK_VERSION}`);
const homeDir = path.join(distDir, `keycloak-${KEYCLOAK_VERSION}`);
const completeMarker = path.join(distDir, '.complete');

function log(message) {
  process.stderr.write(`[keycloak-local] ${message}\n`);
}

function stateDir(port) {
  return path.join(cacheRoot, 'keycloak-state', String(port));
}

const pidFile = (port) => path.join(stateDir(port), 'keycloak.pid');
const ownerFile = (port) => path.join(stateDir(port), 'owner');
const realmHashFile = (port) => path.join(stateDir(port), 'realm.sha256');

/** The realm files of this checkout, as one digest: a Keycloak started from other files serves another realm. */
function realmDigest() {
  const hash = createHash('sha256');
  for (const file of fs
    .readdirSync(realmDir)
    .filter((f) => f.endsWith('-realm.json'))
    .sort()) {
    hash.update(file).update(fs.readFileSync(path.join(realmDir, file)));
  }
  return hash.digest('hex');
}

export function keycloakUrl(port = defaultPort()) {
  return `http://127.0.0.1:${port}`;
}

function defaultPort() {
  return Number(process.env.KEYCLOAK_PORT ?? 8180);
}

/** Downloads and unpacks the server distribution into the machine-wide cache, once. */
export function fetchKeycloak() {
  if (fs.existsSync(completeMarker)) return homeDir;
  const staging = `${distDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  log(`fetching Keycloak ${KEYCLOAK_VERSION} (keycloak-quarkus-dist, about 160 MB) with Maven (once per machine)`);
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      'dependency:unpack',
      `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`,
      `-DoutputDirectory=${staging}`,
      '-Dstyle.color=never',
    ],
    // Maven's output goes to stderr: stdout carries only this script's answer (a line of JSON)
    { stdio: ['ignore', process.stderr, 'inherit'], cwd: os.tmpdir() },
  );
  if (result.error)
    throw new Error(`cannot run mvn: ${result.error.message} (Maven is needed once, to fetch Keycloak)`);
  if (result.status !== 0) throw new Error(`mvn exited with ${result.status} while fetching Keycloak`);
  if (!fs.existsSync(path.join(staging, `keycloak-${KEYCLOAK_VERSION}`, 'bin', 'kc.sh'))) {
    throw new Error(`the Maven fetch produced no keycloak-${KEYCLOAK_VERSION}/bin/kc.sh in ${staging}`);
  }
  fs.mkdirSync(path.dirname(distDir), { recursive: true });
  fs.rmSync(distDir, { recursive: true, force: true });
  fs.renameSync(staging, distDir);
  fs.writeFileSync(completeMarker, `${KEYCLOAK_VERSION}\n`);
  log(`cached Keycloak ${KEYCLOAK_VERSION} in ${distDir}`);
  return homeDir;
}

/** True when the port serves the meshtrail realm's discovery document. */
async function realmAnswers(port, timeoutMs = 3000) {
  if (!(await portOpen(port))) return false;
  try {
    const response = await fetch(`${keycloakUrl(port)}/realms/${KEYCLOAK_REALM}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Keycloak imports realms from <home>/data/import only. The files are copied there before each
 * start (atomically: another start may be reading them), so the realm is always this checkout's.
 */
function installRealms() {
  const importDir = path.join(homeDir, 'data', 'import');
  fs.mkdirSync(importDir, { recursive: true });
  for (const file of fs.readdirSync(realmDir).filter((f) => f.endsWith('-realm.json'))) {
    const staging = path.join(importDir, `.${file}.${process.pid}`);
    fs.copyFileSync(path.join(realmDir, file), staging);
    fs.renameSync(staging, path.join(importDir, file));
  }
}

/**
 * Ensures Keycloak serves the meshtrail realm on 127.0.0.1:port: reuses a running one, or fetches
 * and starts ours in the background and waits until the realm answers. Returns whether this call
 * started it (only then should the caller stop it).
 */
export async function startKeycloak({ port = defaultPort(), timeoutMs = 240_000, owner } = {}) {
  const dir = stateDir(port);
  fs.mkdirSync(dir, { recursive: true });
  if (await realmAnswers(port)) {
    const importedDigest = fs.existsSync(realmHashFile(port))
      ? fs.readFileSync(realmHashFile(port), 'utf8')
      : undefined;
    const ours = alive(readPid(pidFile(port)) ?? -1);
    if (!ours || importedDigest === realmDigest()) {
      log(`Keycloak already serves realm ${KEYCLOAK_REALM} on ${keycloakUrl(port)}`);
      return { port, url: keycloakUrl(port), started: false };
    }
    // dev mode keeps the realm in memory: a changed realm file (a new user, client or role) needs a new start
    log(`the running Keycloak imported other realm files than ${realmDir} holds now: starting it again`);
    await stopKeycloak({ port });
  }
  // Several test workers may ask at once: the one that creates the lock starts Keycloak, the others wait.
  const lock = path.join(dir, 'starting.lock');
  let started = false;
  const starter = readPid(lock);
  if (starter && alive(starter)) {
    log(`Keycloak is being started by pid ${starter}; waiting`);
  } else if ((await portOpen(port)) && alive(readPid(pidFile(port)) ?? -1)) {
    log(`Keycloak (pid ${readPid(pidFile(port))}) is starting on port ${port}; waiting`);
  } else if (await portOpen(port)) {
    throw new Error(
      `port ${port} is taken by something that does not serve the ${KEYCLOAK_REALM} realm; set KEYCLOAK_PORT`,
    );
  } else {
    // a lock left by a start that died; never one another process may have just taken
    if (starter) fs.rmSync(lock, { force: true });
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      return waitForRealm(port, dir, timeoutMs, false);
    }
    try {
      fetchKeycloak();
      installRealms();
      spawnKeycloak(port, dir);
      fs.writeFileSync(realmHashFile(port), realmDigest());
      // who may stop it again: a test run stops only the Keycloak it started
      fs.writeFileSync(ownerFile(port), owner ?? 'manual');
      started = true;
    } catch (error) {
      fs.rmSync(lock, { force: true });
      throw error;
    }
  }
  try {
    return await waitForRealm(port, dir, timeoutMs, started);
  } finally {
    if (started) fs.rmSync(lock, { force: true });
  }
}

function spawnKeycloak(port, dir) {
  const out = fs.openSync(path.join(dir, 'keycloak.log'), 'w');
  const child = spawn(
    'bash',
    [
      path.join(homeDir, 'bin', 'kc.sh'),
      'start-dev',
      '--http-host=127.0.0.1',
      `--http-port=${port}`,
      // the management interface (health) beside it, not on the shared default 9000
      `--http-management-port=${port + 1000}`,
      '--health-enabled=true',
      '--db=dev-mem',
      '--import-realm',
      '--log-level=info',
    ],
    {
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        // a small heap: the machine runs the broker, PostgreSQL and the services beside it
        JAVA_OPTS_KC_HEAP: process.env.KEYCLOAK_HEAP_OPTS ?? '-Xms64m -Xmx512m',
        KC_BOOTSTRAP_ADMIN_USERNAME: KEYCLOAK_ADMIN.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: KEYCLOAK_ADMIN.password,
      },
    },
  );
  child.unref();
  fs.writeFileSync(pidFile(port), String(child.pid));
  log(`started Keycloak pid ${child.pid} on ${keycloakUrl(port)} (log: ${dir}/keycloak.log)`);
}

async function waitForRealm(port, dir, timeoutMs, started) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await realmAnswers(port)) {
      log(`Keycloak ready on ${keycloakUrl(port)} (realm ${KEYCLOAK_REALM})`);
      return { port, url: keycloakUrl(port), started };
    }
    const pid = readPid(pidFile(port));
    if (started && pid && !alive(pid)) throw new Error(`Keycloak exited during start-up; see ${dir}/keycloak.log`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Keycloak on port ${port} was not ready within ${timeoutMs} ms; see ${dir}/keycloak.log`);
}

/** Stops the Keycloak this script started on the port; with `owner`, only if that owner started it. */
export async function stopKeycloak({ port = defaultPort(), timeoutMs = 30_000, owner } = {}) {
  if (owner !== undefined) {
    const startedBy = fs.existsSync(ownerFile(port)) ? fs.readFileSync(ownerFile(port), 'utf8') : undefined;
    if (startedBy !== owner) return false;
  }
  const stopped = await stopByPidFile(pidFile(port), { timeoutMs, log, name: 'Keycloak' });
  if (!stopped) log(`no Keycloak of ours running on port ${port}`);
  return stopped;
}

export async function keycloakStatus({ port = defaultPort() } = {}) {
  const pid = readPid(pidFile(port));
  return {
    port,
    url: keycloakUrl(port),
    answering: await realmAnswers(port),
    pid: pid && alive(pid) ? pid : undefined,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2] ?? 'status';
  // --owner=<id>: a test run starts Keycloak under its id and stops only the one it started
  const owner = process.argv.find((arg) => arg.startsWith('--owner='))?.slice('--owner='.length);
  const actions = {
    fetch: async () => fetchKeycloak(),
    start: async () => process.stdout.write(`${JSON.stringify(await startKeycloak({ owner }))}\n`),
    stop: async () => stopKeycloak({ owner }),
    status: async () => {
      const status = await keycloakStatus();
      process.stdout.write(`${JSON.stringify(status)}\n`);
      if (!status.answering) process.exitCode = 1;
    },
  };
  if (!actions[command]) {
    process.stderr.write(`usage: keycloak-local.mjs fetch|start|stop|status [--owner=<id>]\n`);
    process.exit(2);
  }
  actions[command]().catch((error) => {
    log(error.message);
    process.exit(1);
  });
}
