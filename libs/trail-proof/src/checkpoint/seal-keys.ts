import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signedBytes, type Checkpoint } from './checkpoint';

/** Signs checkpoints with one Ed25519 private key. */
export interface CheckpointSigner {
  keyId: string;
  sign(checkpoint: Checkpoint): string;
}

/** A public key's id when none is configured: a fingerprint of the key, so rotation needs no naming scheme. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

export function signerFromPem(pem: string, keyId?: string): CheckpointSigner {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the sealing key must be an Ed25519 private key');
  const id = keyId || keyIdOf(createPublicKey(privateKey));
  return {
    keyId: id,
    sign: (checkpoint) => sign(null, signedBytes(checkpoint), privateKey).toString('base64'),
  };
}

/** Public keys by key id: every key that ever sealed, so old checkpoints stay verifiable after a rotation. */
export type PublicKeySet = ReadonlyMap<string, KeyObject>;

/**
 * Public keys from PEM texts, each as `id=PEM` or a bare PEM (its id then its fingerprint).
 * A private key is accepted too (its public half is used).
 */
export function publicKeySet(entries: ReadonlyArray<{ keyId?: string; pem: string }>): PublicKeySet {
  const keys = new Map<string, KeyObject>();
  for (const { keyId, pem } of entries) {
    const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('checkpoint keys are Ed25519 keys');
    keys.set(keyId || keyIdOf(key), key);
  }
  return keys;
}

/** `[id=]path` arguments to a key set. */
export function publicKeyFiles(specs: readonly string[]): PublicKeySet {
  return publicKeySet(
    specs.map((spec) => {
      const eq = spec.indexOf('=');
      const [keyId, path] =
        eq > 0 && !spec.slice(0, eq).includes('/') ? [spec.slice(0, eq), spec.slice(eq + 1)] : [undefined, spec];
      return { keyId, pem: readFileSync(path, 'utf8') };
    }),
  );
}

export function signatureValid(checkpoint: Checkpoint & { signature: string }, keys: PublicKeySet): boolean {
  const key = keys.get(checkpoint.keyId);
  if (!key) return false;
  try {
    return verify(null, signedBytes(checkpoint), key, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}
