export { ApiError, type ApiErrorBody } from './api-error';
export { canReadWorkspace, type Principal } from './principal';
export { AuthModule } from './auth.module';
export { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
export {
  AuthGuard,
  errorDescription,
  REQUIRE_ADMIN,
  REQUIRE_KEY_MANAGEMENT,
  type RequestWithPrincipal,
} from './auth.guard';
export { AUTH_THROTTLE, type AuthThrottle, type ThrottledRequest, type ThrottleRefusal } from './auth-throttle';
export { Authenticated, CurrentPrincipal, RequireAdmin, RequireKeyManagement } from './auth.decorators';
export { Authenticator } from './authenticator';
export { credentialsFrom, type Credentials } from './credentials';
export { ApiKeyStore, type ApiKeyCreator, type ApiKeyInfo, type ApiKeyScope } from './api-keys/api-key.store';
export {
  DEFAULT_API_KEY_LIFETIME,
  apiKeyNameProblem,
  decideApiKey,
  type ApiKeyDecision,
  type ApiKeyLifetime,
  type ApiKeyRequest,
} from './api-keys/api-key-policy';
export {
  API_KEY_EVENT_TYPES,
  apiKeyCreatedEvent,
  apiKeyRevokedEvent,
  type ApiKeyActor,
} from './api-keys/api-key-events';
export { issueApiKey, parseApiKey, API_KEY_PREFIX } from './api-keys/api-key-secret';
export { MembershipReader } from './memberships/membership.reader';
export { effectiveWorkspaces, type MembershipRecord } from './memberships/effective-workspaces';
export {
  claimValues,
  displayNameFromClaims,
  rolesFromClaims,
  READING_WORKSPACE_ROLES,
  type ClaimMapping,
  type WorkspaceRole,
} from './oidc/claims';
export { ASYMMETRIC_ALGORITHMS, type OidcSettings } from './oidc/oidc-settings';
export { OidcKeySource } from './oidc/oidc-key-source';
export { fetchDiscoveryDocument, type DiscoveryDocument } from './oidc/oidc-discovery';
export { TokenVerifier } from './oidc/token-verifier';
export { IdentityProviderUnavailable, TokenRejected } from './oidc/token-errors';
