import { hashSecret, issueApiKey, looksLikeApiKey, parseApiKey, secretMatches } from './api-key-secret';

describe('API key secrets', () => {
  it('issues keys of the documented shape whose stored hash is the SHA-256 of the secret', () => {
    const issued = issueApiKey();
    expect(issued.key).toMatch(/^mtk_[a-f0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKey(issued.key)!;
    expect(parsed.id).toBe(issued.id);
    expect(issued.secretHash).toBe(hashSecret(parsed.secret));
    expect(issued.secretHash).not.toContain(parsed.secret);
    expect(looksLikeApiKey(issued.key)).toBe(true);
  });

  it('issues a different key every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => issueApiKey().key));
    expect(keys.size).toBe(50);
  });

  it('matches only the right secret', () => {
    const issued = issueApiKey();
    const { secret } = parseApiKey(issued.key)!;
    expect(secretMatches(secret, issued.secretHash)).toBe(true);
    expect(
      secretMatches(
        `${secret.slice(0, -1)}A` === secret ? `${secret.slice(0, -1)}B` : `${secret.slice(0, -1)}A`,
        issued.secretHash,
      ),
    ).toBe(false);
    expect(secretMatches(secret, 'abcd')).toBe(false);
  });

  it('refuses strings without the key shape', () => {
    expect(parseApiKey('mtk_short_x')).toBeUndefined();
    expect(parseApiKey('eyJhbGciOiJSUzI1NiJ9.e30.sig')).toBeUndefined();
    expect(parseApiKey(`mtk_0123456789abcdef_${'a'.repeat(42)}' OR 1=1`)).toBeUndefined();
    expect(looksLikeApiKey('eyJhbGciOiJSUzI1NiJ9')).toBe(false);
  });
});
