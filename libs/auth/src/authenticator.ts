import { Inject, Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { AppLogger } from '@meshtrail/observability';
import { ApiError } from './api-error';
import { ApiKeyStore } from './api-keys/api-key.store';
import { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
import { credentialsFrom } from './credentials';
import { MembershipReader } from './memberships/membership.reader';
import { effectiveWorkspaces } from './memberships/effective-workspaces';
import { claimValues, displayNameFromClaims, rolesFromClaims } from './oidc/claims';
import { IdentityProviderUnavailable, TokenRejected } from './oidc/token-errors';
import { TokenVerifier } from './oidc/token-verifier';
import type { Principal } from './principal';

const failures = metrics.getMeter('meshtrail').createCounter('meshtrail.auth.failures', {
  description: 'Requests refused because their credentials could not be verified',
});

/** Turns a request's credentials into a Principal, or an ApiError (401, or 503 when the IdP is unreachable). */
@Injectable()
export class Authenticator {
  private readonly logger = new AppLogger('Auth');

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly apiKeys: ApiKeyStore,
    private readonly memberships: MembershipReader,
    private readonly tokens: TokenVerifier | null,
  ) {}

  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Principal> {
    const credentials = credentialsFrom(headers);
    switch (credentials.kind) {
      case 'none':
        throw this.unauthorized('missing', 'AUTH.MISSING_CREDENTIALS', 'a bearer token or an API key is required');
      case 'malformed':
        throw this.unauthorized('malformed', 'AUTH.INVALID_CREDENTIALS', credentials.reason);
      case 'apiKey':
        return this.apiKeyPrincipal(credentials.key);
      case 'token':
        return this.userPrincipal(credentials.token);
    }
  }

  private async apiKeyPrincipal(key: string): Promise<Principal> {
    const found = await this.apiKeys.authenticate(key);
    if (!found)
      throw this.unauthorized('api_key', 'AUTH.INVALID_API_KEY', 'the API key is unknown, revoked or expired');
    this.apiKeys
      .touch(found.id)
      .catch((error: Error) => this.logger.warn('Api Key Touch Failed', { error: error.message }));
    return {
      kind: 'apiKey',
      id: found.id,
      name: found.name,
      admin: found.admin,
      workspaces: found.workspaces,
      manageKeys: found.manageKeys,
      expiresAt: new Date(found.expiresAt),
    };
  }

  private async userPrincipal(token: string): Promise<Principal> {
    if (!this.tokens) {
      throw this.unauthorized('oidc_disabled', 'AUTH.INVALID_TOKEN', 'no OIDC issuer is configured; use an API key');
    }
    let claims: Record<string, unknown>;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof TokenRejected) throw this.unauthorized('token', 'AUTH.INVALID_TOKEN', error.reason);
      if (error instanceof IdentityProviderUnavailable) {
        failures.add(1, { reason: 'idp_unavailable' });
        this.logger.error('Identity Provider Unavailable', { reason: error.reason });
        throw new ApiError(503, 'AUTH.IDP_UNAVAILABLE', 'the identity provider cannot be reached to verify the token');
      }
      throw error;
    }
    const roles = rolesFromClaims(claims, this.options.claims);
    const [userId] = claimValues(claims, this.options.userIdClaim);
    const issuedAt = typeof claims.iat === 'number' ? new Date(claims.iat * 1000) : undefined;
    const claimed = [...roles.workspaces.keys()];
    const memberships = userId ? await this.memberships.membershipsOf(userId, claimed, issuedAt) : [];
    return {
      kind: 'user',
      id: String(claims.sub),
      name: displayNameFromClaims(claims, this.options.claims),
      admin: roles.admin,
      workspaces: effectiveWorkspaces(claimed, memberships, issuedAt),
      // platform admins manage keys; a key's rights are its own scope's
      manageKeys: roles.admin,
    };
  }

  private unauthorized(reason: string, code: string, message: string): ApiError {
    failures.add(1, { reason });
    this.logger.info('Authentication Failed', { reason, detail: message });
    return new ApiError(401, code, message);
  }
}
