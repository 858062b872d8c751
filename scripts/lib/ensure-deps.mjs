// Installs the npm dependencies when they are missing or older than package-lock.json, or do not
// hold the patches of patches/ as they are now, so the start and test commands work on a fresh
// clone without a separate install step.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { patchesApplied } from './patches-stamp.mjs';

export function ensureDependencies(root) {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const stale =
    !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs || !patchesApplied(root);
  if (!stale) return false;
  process.stderr.write('[setup] installing npm dependencies (npm ci)\n');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  return true;
}

export function build(root) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}
