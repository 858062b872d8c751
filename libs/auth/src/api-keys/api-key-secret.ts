import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API keys look like `mtk_<id>_<secret>`: the id finds the stored key, the secret proves possession. */
export const API_KEY_PREFIX = 'mtk_';
const SHAPE = /^mtk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedApiKey {
  id: string;
  /** The full key, shown to its creator once and never stored. */
  key: string;
  /** SHA-256 of the secret part, hex: what the store keeps. */
  secretHash: string;
}

/** A new key: a 64-bit public id and a 256-bit secret (a plain SHA-256 suffices at that entropy). */
export function issueApiKey(random: (size: number) => Buffer = randomBytes): IssuedApiKey {
  const id = random(8).toString('hex');
  const secret = random(32).toString('base64url');
  return { id, key: `${API_KEY_PREFIX}${id}_${secret}`, secretHash: hashSecret(secret) };
}

export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX);
}

/** Splits a presented key into id and secret; undefined when it does not have the key shape. */
export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  const match = SHAPE.exec(key);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares the presented secret with the stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
