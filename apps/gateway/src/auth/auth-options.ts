import type { AuthModuleOptions } from '@meshtrail/auth';
import type { GatewayEnv } from '../gateway.env';

/** The gateway's validated environment, as the auth module's options. */
export function authOptionsFrom(config: GatewayEnv): AuthModuleOptions {
  return {
    oidc: config.AUTH_OIDC_ISSUER
      ? {
          issuer: config.AUTH_OIDC_ISSUER,
          audiences: config.AUTH_OIDC_AUDIENCE,
          jwksUrl: config.AUTH_OIDC_JWKS_URL,
          algorithms: config.AUTH_OIDC_ALGORITHMS,
          clockToleranceSec: config.AUTH_OIDC_CLOCK_TOLERANCE_S,
          jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_MS,
          jwksCacheMaxAgeMs: config.AUTH_JWKS_CACHE_MAX_AGE_MS,
          httpTimeoutMs: config.AUTH_IDP_TIMEOUT_MS,
        }
      : undefined,
    claims: {
      roleClaims: config.AUTH_ROLE_CLAIMS,
      adminRole: config.AUTH_ADMIN_ROLE,
      workspaceRolePattern: new RegExp(config.AUTH_WORKSPACE_ROLE_PATTERN),
      nameClaims: config.AUTH_NAME_CLAIMS,
    },
    userIdClaim: config.AUTH_USER_ID_CLAIM,
  };
}
