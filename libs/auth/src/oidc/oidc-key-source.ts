import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { IdentityProviderUnavailable } from './token-errors';
import type { OidcSettings } from './oidc-settings';

/**
 * The issuer's signing keys: the JWKS location comes from configuration or the issuer's discovery
 * document (looked up once, retried on the next request when it failed), and the key set is cached
 * by jose, which fetches it again when a token names a `kid` it has not seen (key rotation).
 */
export class OidcKeySource {
  private keySet?: JWTVerifyGetKey;
  private resolving?: Promise<JWTVerifyGetKey>;

  constructor(
    private readonly settings: OidcSettings,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  keys(): Promise<JWTVerifyGetKey> {
    if (this.keySet) return Promise.resolve(this.keySet);
    this.resolving ??= this.jwksUrl()
      .then((url) => {
        this.keySet = createRemoteJWKSet(url, {
          cooldownDuration: this.settings.jwksCooldownMs,
          cacheMaxAge: this.settings.jwksCacheMaxAgeMs,
          timeoutDuration: this.settings.httpTimeoutMs,
        });
        return this.keySet;
      })
      .finally(() => {
        this.resolving = undefined;
      });
    return this.resolving;
  }

  private async jwksUrl(): Promise<URL> {
    if (this.settings.jwksUrl) return new URL(this.settings.jwksUrl);
    const discovery = `${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await this.fetchFn(discovery, { signal: AbortSignal.timeout(this.settings.httpTimeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw new IdentityProviderUnavailable(`discovery document unavailable: ${(error as Error).message}`);
    }
    // OpenID Connect Discovery 1.0, 4.3: the document's issuer must be the one we trust
    if (document.issuer !== this.settings.issuer) {
      throw new IdentityProviderUnavailable('discovery document names a different issuer');
    }
    if (typeof document.jwks_uri !== 'string') {
      throw new IdentityProviderUnavailable('discovery document has no jwks_uri');
    }
    return new URL(document.jwks_uri);
  }
}
