import { createHash, webcrypto } from 'node:crypto';
import { base64Url, codeChallenge, randomToken } from './pkce';

beforeAll(() => {
  // the page runs in a browser; jest's node environment gets the same Web Crypto API
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
});

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43 base64url characters, different every time', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(a);
  });

  it('encodes base64url without padding, as Node does', () => {
    const bytes = new Uint8Array([251, 255, 191, 0, 1]);
    expect(base64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    expect(base64Url(new Uint8Array(createHash('sha256').update('x').digest()))).toBe(
      createHash('sha256').update('x').digest('base64url'),
    );
  });
});
