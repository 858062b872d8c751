import { Inject, Injectable } from '@nestjs/common';
import { ApiError, fetchDiscoveryDocument, IdentityProviderUnavailable } from '@meshtrail/auth';

export const UI_OPTIONS = Symbol('UI_OPTIONS');

export interface UiOptions {
  /** AUTH_OIDC_ISSUER; unset: the page cannot sign anyone in. */
  issuer?: string;
  clientId: string;
  scope: string;
  httpTimeoutMs: number;
  /** Where the built page is (tests point elsewhere). */
  directory?: string;
}

/** What the page needs to sign in: a public client doing authorization code with PKCE. */
export interface UiClientConfig {
  oidc: {
    issuer: string;
    clientId: string;
    scope: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    /** Where signing out ends the session at the issuer too (absent when the issuer names none). */
    endSessionEndpoint?: string;
  } | null;
}

/** The page's configuration, from the gateway's own: the issuer's endpoints come from its discovery document. */
@Injectable()
export class UiConfigService {
  private config?: UiClientConfig;

  constructor(@Inject(UI_OPTIONS) private readonly options: UiOptions) {}

  /** The token endpoint once known (for the CSP's connect-src). */
  get tokenEndpoint(): string | undefined {
    return this.config?.oidc?.tokenEndpoint;
  }

  async clientConfig(): Promise<UiClientConfig> {
    if (this.config) return this.config;
    const { issuer, clientId, scope, httpTimeoutMs } = this.options;
    if (!issuer) return (this.config = { oidc: null });
    try {
      const discovery = await fetchDiscoveryDocument(issuer, httpTimeoutMs);
      if (!discovery.authorization_endpoint || !discovery.token_endpoint) {
        throw new IdentityProviderUnavailable('discovery document has no authorization_endpoint or token_endpoint');
      }
      this.config = {
        oidc: {
          issuer,
          clientId,
          scope,
          authorizationEndpoint: discovery.authorization_endpoint,
          tokenEndpoint: discovery.token_endpoint,
          endSessionEndpoint: discovery.end_session_endpoint,
        },
      };
      return this.config;
    } catch (error) {
      if (!(error instanceof IdentityProviderUnavailable)) throw error;
      // not cached: the next page load asks the identity provider again
      throw new ApiError(503, 'AUTH.IDP_UNAVAILABLE', `The identity provider cannot be reached: ${error.reason}`);
    }
  }
}
