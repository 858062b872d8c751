// Installs the npm dependencies when they are missing or older than package-lock.json or a patch
// of patches/ (applied by the postinstall), so the start and test commands work on a fresh clone
// without a separate install step.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function ensureDependencies(root) {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const patches = path.join(root, 'patches');
  const inputs = [
    path.join(root, 'package-lock.json'),
    ...(fs.existsSync(patches) ? fs.readdirSync(patches).map((name) => path.join(patches, name)) : []),
  ];
  const stale =
    !fs.existsSync(marker) || inputs.some((input) => fs.statSync(marker).mtimeMs < fs.statSync(input).mtimeMs);
  if (!stale) return false;
  process.stderr.write('[setup] installing npm dependencies (npm ci)\n');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  return true;
}

export function build(root) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}
