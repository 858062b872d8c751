#!/usr/bin/env node
// Runs one benchmark (`node scripts/bench.mjs ingest -- --events 100000`) the way the test command
// runs the tests: installs dependencies and builds when needed, starts the local broker when none
// runs (and stops it again afterwards), and checks PostgreSQL first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, ensureDependencies } from './lib/ensure-deps.mjs';
import { ensureNode } from './lib/ensure-node.mjs';
import { DEFAULT_DATABASE_URL, requirePostgres } from './lib/postgres.mjs';

await ensureNode(); // first: on an older Node this runs the script again under Node 24
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
const script = path.join(root, 'dist/bench', `${name}.js`);
ensureDependencies(root);
build(root);
if (!name || !fs.existsSync(script)) {
  console.error(
    `usage: node scripts/bench.mjs <${fs
      .readdirSync(path.join(root, 'bench'))
      .filter((f) => /^[a-z-]+\.ts$/.test(f))
      .map((f) => f.slice(0, -3))
      .join('|')}> [-- args]`,
  );
  process.exit(2);
}

const { startBroker, stopBroker } = await import('./kafka-local.mjs');
const kafkaPort = Number(process.env.KAFKA_PORT ?? 9092);
const broker = await startBroker({ port: kafkaPort });
process.env.KAFKA_BROKERS ??= `127.0.0.1:${kafkaPort}`;
await requirePostgres(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL.replace(/\/meshtrail$/, '/postgres'));

const args = rest[0] === '--' ? rest.slice(1) : rest;
const run = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit', env: process.env });
if (broker.started) await stopBroker({ port: kafkaPort });
process.exit(run.status ?? 1);
