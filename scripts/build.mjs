#!/usr/bin/env node
// Compiles every app and lib in one tsc pass into dist/, rewrites the @meshtrail/* path aliases
// into relative requires, builds the gateway's Event Logs page with Vite into dist/apps/gateway/web,
// and records the build's version, commit and branch in dist/build-info.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './lib/ensure-deps.mjs';
import { ensureNode } from './lib/ensure-node.mjs';

await ensureNode(); // first: on an older Node this runs the script again under Node 24
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
ensureDependencies(root); // benchmarks and `npm run build` on a fresh clone
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(bin('tsc'), ['-p', 'tsconfig.build.json']);
run(bin('tsc-alias'), ['-p', 'tsconfig.build.json']);
// The page: type-checked on its own (browser types), then bundled (Vite does not check types).
run(bin('tsc'), ['-p', 'apps/gateway/web/tsconfig.json']);
run(bin('vite'), ['build', '--config', 'apps/gateway/web/vite.config.mjs', '--logLevel', 'warn']);

const git = (args) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const info = {
  package: pkg.version,
  git: process.env.GIT_COMMIT || git(['rev-parse', 'HEAD']) || 'unknown',
  branch: process.env.GIT_BRANCH || git(['rev-parse', '--abbrev-ref', 'HEAD']) || 'unknown',
};
fs.writeFileSync(path.join(root, 'dist', 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
