import { publicKeySet, type PublicKeySet } from '@meshtrail/trail-proof';

/** One checkpoint public key as the API serves it: a JWK (RFC 8037 OKP, Ed25519) with its PEM beside it. */
export interface SealPublicKeyJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
  /** The same key as SPKI PEM, for openssl and `admin-cli verify --public-key`. */
  pem: string;
}

export interface SealPublicKeys {
  /** For checking signatures, by key id. */
  set: PublicKeySet;
  /** For handing out (GET /api/v1/checkpoints/keys). */
  jwks: SealPublicKeyJwk[];
}

const BLOCK = /(?:([^\s=]+)=)?(-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----)/g;

/**
 * The keys in AUDIT_SEAL_PUBLIC_KEYS: one or more SPKI PEM blocks, each optionally preceded by
 * `<key id>=` (without it, the id is the key's fingerprint, as the sealer names it when
 * AUDIT_SEAL_KEY_ID is unset). `\n` escapes are read as newlines, as env files often carry them.
 * Throws naming what is wrong.
 */
export function parseSealPublicKeys(text: string | undefined): SealPublicKeys {
  const source = (text ?? '').replace(/\\n/g, '\n');
  const entries: Array<{ keyId?: string; pem: string }> = [];
  const rest = source.replace(BLOCK, (_match, keyId: string | undefined, pem: string) => {
    entries.push({ keyId, pem });
    return '';
  });
  if (rest.trim() !== '') throw new Error('must be PEM public keys (BEGIN PUBLIC KEY), each optionally as <id>=<PEM>');
  const set = publicKeySet(entries);
  const jwks = [...set].map(([kid, key]) => {
    const { x } = key.export({ format: 'jwk' }) as { x: string };
    const pem = key.export({ type: 'spki', format: 'pem' }).toString();
    return { kty: 'OKP' as const, crv: 'Ed25519' as const, x, kid, alg: 'EdDSA' as const, use: 'sig' as const, pem };
  });
  return { set, jwks };
}
