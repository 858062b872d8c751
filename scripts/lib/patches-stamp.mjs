// The patches of patches/ as one digest, and the stamp that says node_modules holds them: npm's
// postinstall writes it once patch-package applied every patch, so a failed, changed, added or
// deleted patch leaves node_modules stale for ensureDependencies.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function patchesDigest(root) {
  const dir = path.join(root, 'patches');
  const hash = crypto.createHash('sha256');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  for (const name of names)
    hash
      .update(`${name}\0`)
      .update(fs.readFileSync(path.join(dir, name)))
      .update('\0');
  return hash.digest('hex');
}

function patchesStamp(root) {
  return path.join(root, 'node_modules', '.meshtrail-patches');
}

export function patchesApplied(root) {
  const stamp = patchesStamp(root);
  return fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === patchesDigest(root);
}

export function writePatchesStamp(root) {
  fs.writeFileSync(patchesStamp(root), patchesDigest(root));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writePatchesStamp(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
}
