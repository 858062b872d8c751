import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { keyIdOf } from '@meshtrail/trail-proof';
import { parseSealPublicKeys } from './seal-public-keys';

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey, privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};

describe('AUDIT_SEAL_PUBLIC_KEYS', () => {
  it('reads several PEM keys, named by id or by fingerprint, and serves each as a JWK with its PEM', () => {
    const [old, current] = [pair(), pair()];
    const keys = parseSealPublicKeys(`2025-q4=${old.pem}\n${current.pem}`);
    expect([...keys.set.keys()]).toEqual(['2025-q4', keyIdOf(current.publicKey)]);
    expect(keys.jwks[1]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      kid: keyIdOf(current.publicKey),
      pem: current.pem,
    });
    // the JWK is the same key: it checks a signature made with the private key
    const signature = Buffer.from('x');
    const signed = sign(null, signature, current.privateKey);
    const jwk = keys.jwks[1];
    expect(verify(null, signature, { key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' }, signed)).toBe(
      true,
    );
  });

  it('reads newlines written as \\n, as env files carry them, and nothing as no keys', () => {
    const key = pair();
    expect(parseSealPublicKeys(key.pem.replace(/\n/g, '\\n')).jwks).toHaveLength(1);
    expect(parseSealPublicKeys(undefined).jwks).toEqual([]);
    expect(parseSealPublicKeys('  ').jwks).toEqual([]);
  });

  it('refuses text that is not PEM public keys, and keys that are not Ed25519', () => {
    expect(() => parseSealPublicKeys('not a key')).toThrow(/must be PEM public keys/);
    expect(() => parseSealPublicKeys(`${pair().pem}\ntrailing words`)).toThrow(/must be PEM public keys/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    expect(() => parseSealPublicKeys(rsa.toString())).toThrow(/Ed25519/);
  });
});
