import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { fetchDiscoveryDocument } from './oidc-discovery';
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
    const document = await fetchDiscoveryDocument(this.settings.issuer, this.settings.httpTimeoutMs, this.fetchFn);
    if (!document.jwks_uri) throw new IdentityProviderUnavailable('discovery document has no jwks_uri');
    return new URL(document.jwks_uri);
  }
}
