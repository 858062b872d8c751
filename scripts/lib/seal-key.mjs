// The local stack's checkpoint signing key: an Ed25519 key pair made once per machine, kept
// outside the repository (the private key never enters it), reused by every `npm start`.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function localSealKeyDir() {
  return path.join(process.env.MESHTRAIL_CONFIG_DIR ?? path.join(os.homedir(), '.config', 'meshtrail'), 'seal');
}

/** The local key pair, generated on first use: { privatePem, publicKeyPath }. */
export function ensureLocalSealKey() {
  const dir = localSealKeyDir();
  const privatePath = path.join(dir, 'private.pem');
  const publicKeyPath = path.join(dir, 'public.pem');
  if (!fs.existsSync(privatePath)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    fs.writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    // written last, exclusively: a second start racing this one keeps the first key
    fs.writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  return { privatePem: fs.readFileSync(privatePath, 'utf8'), publicKeyPath };
}

/** The public half of a sealing key as PEM; empty when it is no key (audit-ingest then says why). */
export function sealPublicPem(privatePem) {
  try {
    return createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return '';
  }
}
