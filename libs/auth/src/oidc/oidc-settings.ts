/** Only asymmetric signatures: `none` and HMAC (HS*, which a public key could forge) are never accepted. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

export interface OidcSettings {
  /** The `iss` every token must carry; also where the discovery document is found. */
  issuer: string;
  /** Tokens must name at least one of these in `aud`. */
  audiences: readonly string[];
  /** The JWKS location; when absent, `jwks_uri` from the issuer's discovery document. */
  jwksUrl?: string;
  algorithms: readonly string[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds, for clocks that drift. */
  clockToleranceSec: number;
  /** After a JWKS fetch, an unknown `kid` triggers no new fetch for this long (a forged-kid flood cannot hammer the IdP). */
  jwksCooldownMs: number;
  /** The key set is fetched again after this long even when every `kid` is known. */
  jwksCacheMaxAgeMs: number;
  /** Upper bound of each request to the identity provider. */
  httpTimeoutMs: number;
}
