import { execFile } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = path.resolve(__dirname, '../../scripts/kafka-local.mjs');

/**
 * Runs scripts/kafka-local.mjs, the same script the start and test commands use, for a broker on
 * `port`; `env` adds settings such as the secured mode's (KAFKA_SECURITY, KAFKA_ADMIN_PASSWORD).
 */
export async function kafkaLocal(
  command: 'start' | 'stop',
  port: number,
  env: Record<string, string> = {},
): Promise<void> {
  await promisify(execFile)(process.execPath, [SCRIPT, command], {
    env: { ...process.env, ...env, KAFKA_PORT: String(port) },
    timeout: 120_000,
  });
}

export function brokerStateDir(port: number): string {
  const cache = process.env.MESHTRAIL_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'meshtrail');
  return path.join(cache, 'kafka-state', String(port));
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose successor is free too (a broker listens on port and its controller on port+1). */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 10000) * 2;
    if ((await isFree(port)) && (await isFree(port + 1))) return port;
  }
  throw new Error('no free port pair found');
}
