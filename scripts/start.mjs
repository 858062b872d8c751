#!/usr/bin/env node
// Starts the whole system on this machine: npm dependencies, the build, the local Kafka broker,
// the database schema, the services' database roles and the topics, then all five services, each
// logging in as its own role. Ctrl-C stops everything it started. With --keycloak (or
// MESHTRAIL_KEYCLOAK=1) also a local Keycloak with the meshtrail realm: the gateway and the Event
// Logs page sign in against it, and audit-ingest feeds its events.
import { spawn, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, ensureDependencies } from './lib/ensure-deps.mjs';
import { ensureNode } from './lib/ensure-node.mjs';
import { serviceDatabaseUrls } from './lib/database-roles.mjs';
import { DEFAULT_DATABASE_URL, requirePostgres } from './lib/postgres.mjs';
import { ensureLocalSealKey, sealPublicPem } from './lib/seal-key.mjs';

await ensureNode(); // first: on an older Node this runs the script again under Node 24
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const portBase = Number(process.env.MESHTRAIL_PORT_BASE ?? 8080);
const SERVICES = ['gateway', 'audit-ingest', 'access-log', 'telemetry-relay', 'retention'];
const say = (message) => process.stderr.write(`[start] ${message}\n`);

ensureDependencies(root);
build(root);
const { startBroker, stopBroker } = await import('./kafka-local.mjs');
const kafkaPort = Number(process.env.KAFKA_PORT ?? 9092);
const broker = await startBroker({ port: kafkaPort });
const withKeycloak = process.argv.includes('--keycloak') || process.env.MESHTRAIL_KEYCLOAK === '1';
const keycloakLocal = withKeycloak ? await import('./keycloak-local.mjs') : undefined;
const keycloak = keycloakLocal ? await keycloakLocal.startKeycloak() : undefined;
// checkpoints are signed with the configured key, else with this machine's own
const sealKey = process.env.AUDIT_SEAL_PRIVATE_KEY ? undefined : ensureLocalSealKey();
const sealPrivatePem = sealKey?.privatePem ?? process.env.AUDIT_SEAL_PRIVATE_KEY.replace(/\\n/g, '\n');
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? `127.0.0.1:${kafkaPort}`,
  ...(sealKey ? { AUDIT_SEAL_PRIVATE_KEY: sealKey.privatePem } : {}),
  // the gateway checks proofs with the public half of the key that seals
  AUDIT_SEAL_PUBLIC_KEYS: process.env.AUDIT_SEAL_PUBLIC_KEYS ?? sealPublicPem(sealPrivatePem),
  ...(keycloak ? keycloakEnv(keycloak.url) : {}),
};

/** The gateway's issuer and audit-ingest's event feed, for the realm of deploy/keycloak/ (settings given win). */
function keycloakEnv(url) {
  const realm = keycloakLocal.KEYCLOAK_REALM;
  const given = (name, value) => ({ [name]: process.env[name] ?? value });
  return {
    ...given('AUTH_OIDC_ISSUER', `${url}/realms/${realm}`),
    ...given('KEYCLOAK_FEED_URL', url),
    ...given('KEYCLOAK_FEED_REALMS', realm),
    // the realm file's development secret: a local Keycloak only
    ...given('KEYCLOAK_FEED_CLIENT_SECRET', 'meshtrail-event-feed-local-secret'),
  };
}
await requirePostgres(env.DATABASE_URL);
// DATABASE_URL is the owner's: setup migrates with it and creates each service's role
const databaseUrls = serviceDatabaseUrls(root, env.DATABASE_URL, env);
execFileSync(process.execPath, [path.join(root, 'dist/apps/admin-cli/src/main.js'), 'setup'], {
  env: { ...env, ...databaseUrls.setupEnv },
  stdio: 'inherit',
});

const children = new Map();
let stopping = false;

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  say('stopping services');
  const exits = [...children.values()].map(
    (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve))),
  );
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(exits);
  if (broker.started && process.env.MESHTRAIL_KEEP_BROKER !== '1') await stopBroker({ port: kafkaPort });
  if (keycloak?.started) await keycloakLocal.stopKeycloak({ port: keycloak.port });
  say('stopped');
  process.exit(exitCode);
}

SERVICES.forEach((service, index) => {
  const child = spawn(process.execPath, [path.join(root, `dist/apps/${service}/src/main.js`)], {
    env: { ...env, DATABASE_URL: databaseUrls.byService[service], PORT: String(portBase + index) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.set(service, child);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    say(`${service} exited unexpectedly (code ${code}, signal ${signal}); stopping the rest`);
    void stopAll(1);
  });
});

async function waitLive(service, port) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/actuator/health/liveness`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service} did not come up on port ${port}`);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  await Promise.all(SERVICES.map((service, index) => waitLive(service, portBase + index)));
  const lines = SERVICES.map((service, index) => `  ${service.padEnd(16)} http://127.0.0.1:${portBase + index}`);
  say(
    [
      'meshtrail is running:',
      ...lines,
      `  kafka            127.0.0.1:${kafkaPort}`,
      `  postgres         ${new URL(env.DATABASE_URL).host}${new URL(env.DATABASE_URL).pathname}`,
      ...(keycloak
        ? [
            `  keycloak         ${keycloak.url}  (admin console ${keycloak.url}/admin/, user ${keycloakLocal.KEYCLOAK_ADMIN.username})`,
            `Event Logs page: http://127.0.0.1:${portBase}/ui/  (sign in as olivia / olivia-local-password, an admin; max / max-local-password or mia / mia-local-password, owner and manager of ws-1)`,
          ]
        : []),
      `health: http://127.0.0.1:${portBase}/actuator/health   version: http://127.0.0.1:${portBase}/version`,
      ...(sealKey ? [`checkpoints signed with this machine's key; its public key: ${sealKey.publicKeyPath}`] : []),
      'Ctrl-C stops everything.',
    ].join('\n'),
  );
} catch (error) {
  say(error.message);
  await stopAll(1);
}
