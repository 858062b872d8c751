#!/usr/bin/env node
// Runs every test (unit, integration, e2e) against the real Kafka broker and PostgreSQL.
// Installs dependencies and builds when needed, and starts the local broker when none runs
// (stopping it again afterwards). Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, ensureDependencies } from './lib/ensure-deps.mjs';
import { ensureNode } from './lib/ensure-node.mjs';
import { ensureTools } from './lib/ensure-tools.mjs';
import { DEFAULT_DATABASE_URL, requirePostgres } from './lib/postgres.mjs';

await ensureNode(); // first: on an older Node this runs the script again under Node 24
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies(root);
ensureTools();
// e2e tests run the compiled services as real processes
build(root);

const { startBroker, stopBroker } = await import('./kafka-local.mjs');
const kafkaPort = Number(process.env.KAFKA_PORT ?? 9092);
const broker = await startBroker({ port: kafkaPort });
process.env.KAFKA_BROKERS ??= `127.0.0.1:${kafkaPort}`;
process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL.replace(/\/meshtrail$/, '/postgres');
await requirePostgres(process.env.DATABASE_URL);

const jest = spawnSync(process.execPath, [path.join(root, 'node_modules/jest/bin/jest.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
// A broker this run started is stopped again; one that was already running is left alone.
if (broker.started && process.env.MESHTRAIL_KEEP_BROKER !== '1') await stopBroker({ port: kafkaPort });
process.exit(jest.status ?? 1);
