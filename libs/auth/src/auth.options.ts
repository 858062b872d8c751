import type { ClaimMapping } from './oidc/claims';
import type { OidcSettings } from './oidc/oidc-settings';

export interface AuthModuleOptions {
  /** OIDC bearer tokens are accepted only when an issuer is configured. */
  oidc?: OidcSettings;
  claims: ClaimMapping;
  /** The claim whose value the platform's membership events use as the user id. */
  userIdClaim: string;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
