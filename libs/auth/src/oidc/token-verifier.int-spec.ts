import { LocalOidcIssuer } from '../../../../test/support/oidc-issuer';
import { OidcKeySource } from './oidc-key-source';
import { ASYMMETRIC_ALGORITHMS, type OidcSettings } from './oidc-settings';
import { IdentityProviderUnavailable, TokenRejected } from './token-errors';
import { TokenVerifier } from './token-verifier';

describe('TokenVerifier (real RS256 keys served by a local JWKS endpoint)', () => {
  let idp: LocalOidcIssuer;

  beforeAll(async () => {
    idp = await LocalOidcIssuer.start('meshtrail');
  });
  afterAll(() => idp.stop());

  function verifier(overrides: Partial<OidcSettings> = {}): TokenVerifier {
    const settings: OidcSettings = {
      issuer: idp.issuer,
      audiences: ['meshtrail'],
      algorithms: ASYMMETRIC_ALGORITHMS,
      clockToleranceSec: 5,
      jwksCooldownMs: 0,
      jwksCacheMaxAgeMs: 600_000,
      httpTimeoutMs: 2000,
      ...overrides,
    };
    return new TokenVerifier(settings, new OidcKeySource(settings));
  }

  async function rejection(v: TokenVerifier, token: string): Promise<string> {
    const error = await v.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenRejected);
    return (error as TokenRejected).reason;
  }

  it('accepts a valid token, finding the keys through the discovery document, and caches them', async () => {
    const v = verifier();
    const before = idp.jwksRequests;
    const claims = await v.verify(await idp.sign({ sub: 'u-1', preferred_username: 'jane' }));
    expect(claims).toMatchObject({ sub: 'u-1', preferred_username: 'jane', iss: idp.issuer, aud: 'meshtrail' });
    await v.verify(await idp.sign({ sub: 'u-2' }));
    expect(idp.jwksRequests - before).toBe(1);
  });

  it('uses a configured JWKS URL without discovery', async () => {
    const discoveries = idp.discoveryRequests;
    const v = verifier({ jwksUrl: idp.jwksUrl });
    await expect(v.verify(await idp.sign({ sub: 'u-1' }))).resolves.toMatchObject({ sub: 'u-1' });
    expect(idp.discoveryRequests).toBe(discoveries);
  });

  it('follows key rotation: a token with a new kid makes it fetch the JWKS again', async () => {
    const v = verifier();
    await v.verify(await idp.sign({ sub: 'u-1' }));
    const oldKid = idp.currentKid;
    const oldToken = await idp.sign({ sub: 'u-1' }, { kid: oldKid });
    const newKid = await idp.rotate({ retireOld: true });
    const before = idp.jwksRequests;
    await expect(v.verify(await idp.sign({ sub: 'u-1' }, { kid: newKid }))).resolves.toMatchObject({ sub: 'u-1' });
    expect(idp.jwksRequests).toBe(before + 1);
    // the retired key is gone from the fetched set: its still-unexpired tokens no longer verify
    expect(await rejection(v, oldToken)).toBe('the token is signed with an unknown key');
  });

  it('does not refetch for unknown kids while cooling down', async () => {
    const v = verifier({ jwksCooldownMs: 60_000 });
    await v.verify(await idp.sign({ sub: 'u-1' }));
    const before = idp.jwksRequests;
    const kid = await idp.rotate({ retireOld: false });
    expect(await rejection(v, await idp.sign({ sub: 'u-1' }, { kid }))).toBe('the token is signed with an unknown key');
    expect(idp.jwksRequests).toBe(before);
  });

  it('refuses expired tokens, beyond the clock tolerance', async () => {
    const v = verifier({ clockToleranceSec: 5 });
    expect(await rejection(v, await idp.sign({ sub: 'u' }, { expiresIn: -60 }))).toBe('the token has expired');
    // inside the tolerance it still counts
    await expect(v.verify(await idp.sign({ sub: 'u' }, { expiresIn: -2 }))).resolves.toBeTruthy();
  });

  it('refuses tokens that are not valid yet (nbf)', async () => {
    expect(await rejection(verifier(), await idp.sign({ sub: 'u' }, { notBefore: 120 }))).toBe(
      'the token is not valid yet',
    );
  });

  it('refuses a wrong audience and a wrong issuer', async () => {
    const v = verifier();
    expect(await rejection(v, await idp.sign({ sub: 'u' }, { audience: 'account' }))).toBe(
      'the token is not meant for this audience',
    );
    expect(await rejection(v, await idp.sign({ sub: 'u' }, { issuer: 'http://evil.example/realms/test' }))).toBe(
      'the token comes from another issuer',
    );
    // any one of the configured audiences is enough
    const multi = verifier({ audiences: ['other', 'meshtrail'] });
    await expect(multi.verify(await idp.sign({ sub: 'u' }, { audience: ['x', 'meshtrail'] }))).resolves.toBeTruthy();
  });

  it('refuses alg none and HS256 tokens keyed with the public key', async () => {
    const v = verifier();
    expect(await rejection(v, idp.unsigned({ sub: 'admin' }))).toBe('signature algorithm "none" is not accepted');
    expect(await rejection(v, await idp.hs256WithPublicKey({ sub: 'admin' }))).toBe(
      'signature algorithm "HS256" is not accepted',
    );
  });

  it('refuses a tampered payload and garbage', async () => {
    const v = verifier();
    const [header, , signature] = (await idp.sign({ sub: 'u', roles: [] })).split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'u', roles: ['admin'], iss: idp.issuer, aud: 'meshtrail', exp: 9e9 }),
    ).toString('base64url');
    expect(await rejection(v, `${header}.${forged}.${signature}`)).toBe('the token signature is invalid');
    expect(await rejection(v, 'not-a-jwt')).toBe('the token is not a JWT');
  });

  it('reports an unreachable identity provider as unavailable, not as a bad token', async () => {
    const v = verifier({ issuer: 'http://127.0.0.1:9/realms/none', httpTimeoutMs: 500 });
    await expect(v.verify(await idp.sign({ sub: 'u' }))).rejects.toBeInstanceOf(IdentityProviderUnavailable);
  });
});
