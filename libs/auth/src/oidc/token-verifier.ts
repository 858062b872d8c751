import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcKeySource } from './oidc-key-source';
import type { OidcSettings } from './oidc-settings';
import { IdentityProviderUnavailable, TokenRejected } from './token-errors';

/**
 * Verifies an OIDC access token: signature against the issuer's keys with an allow-list of
 * asymmetric algorithms, then `iss`, `aud`, `exp` and `nbf` with a small clock tolerance.
 */
export class TokenVerifier {
  constructor(
    private readonly settings: OidcSettings,
    private readonly keySource: OidcKeySource,
  ) {}

  async verify(token: string): Promise<JWTPayload> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new TokenRejected('the token is not a JWT');
    }
    // checked before any key is looked up: an HS256 token "signed" with our public key, or an
    // unsigned one, never reaches a verification routine
    if (typeof alg !== 'string' || !this.settings.algorithms.includes(alg)) {
      // the header is the client's: named as JSON and cut short, never echoed as it came
      const named = alg === undefined ? '(none)' : (JSON.stringify(alg) ?? typeof alg).slice(0, 40);
      throw new TokenRejected(`signature algorithm ${named} is not accepted`);
    }
    const keys = await this.keySource.keys();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: [...this.settings.audiences],
        algorithms: [...this.settings.algorithms],
        clockTolerance: this.settings.clockToleranceSec,
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    } catch (error) {
      throw translate(error);
    }
  }
}

function translate(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new TokenRejected('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new TokenRejected('the token is not valid yet');
    if (error.claim === 'aud') return new TokenRejected('the token is not meant for this audience');
    if (error.claim === 'iss') return new TokenRejected('the token comes from another issuer');
    return new TokenRejected(`the token's ${error.claim} claim is not acceptable`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return new TokenRejected('the token is signed with an unknown key');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new TokenRejected('the token signature is invalid');
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new TokenRejected('the token signature algorithm is not accepted');
  if (error instanceof errors.JWKSTimeout) return new IdentityProviderUnavailable('JWKS request timed out');
  if (error instanceof errors.JWKSInvalid) return new IdentityProviderUnavailable('JWKS response is malformed');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JWKInvalid) {
    return new TokenRejected('the token is malformed');
  }
  if (error instanceof errors.JOSEError && error.code !== 'ERR_JOSE_GENERIC') return new TokenRejected(error.message);
  // JWKS fetch failures: a non-200 answer (generic JOSEError) or a network error
  return new IdentityProviderUnavailable(`JWKS unavailable: ${(error as Error).message}`);
}
