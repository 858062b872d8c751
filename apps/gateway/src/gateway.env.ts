import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { EnvInt, EnvList, ServiceEnv } from '@meshtrail/config';
import { ASYMMETRIC_ALGORITHMS, DEFAULT_API_KEY_LIFETIME } from '@meshtrail/auth';
import { parseSealPublicKeys } from './proofs/seal-public-keys';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** A regular expression that compiles and has a named group `workspace`. */
function IsWorkspaceRolePattern(): PropertyDecorator {
  return ValidateBy({
    name: 'isWorkspaceRolePattern',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !value.includes('(?<workspace>')) return false;
        try {
          new RegExp(value);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        'must be a regular expression with a named group (?<workspace>...) and optionally (?<role>...)',
    },
  });
}

/** Ed25519 public keys in PEM, as parseSealPublicKeys reads them. */
function IsSealPublicKeys(): PropertyDecorator {
  return ValidateBy({
    name: 'isSealPublicKeys',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          parseSealPublicKeys(value);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        'must be Ed25519 public keys in PEM (BEGIN PUBLIC KEY, as openssl pkey -pubout writes), each optionally as <key id>=<PEM>',
    },
  });
}

/** The gateway's environment: the common service variables, authentication, and the query API. */
export class GatewayEnv extends ServiceEnv {
  override PORT = 8080;

  /** The OIDC issuer (Keycloak: https://host/realms/<realm>); unset: only API keys are accepted. */
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'must be an http(s) URL' })
  AUTH_OIDC_ISSUER?: string;

  @EnvList()
  @ArrayNotEmpty({ message: 'must name at least one audience' })
  @IsString({ each: true })
  AUTH_OIDC_AUDIENCE: string[] = ['meshtrail'];

  /** Where the signing keys are; unset: the issuer's discovery document says. */
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'must be an http(s) URL' })
  AUTH_OIDC_JWKS_URL?: string;

  @EnvList()
  @ArrayNotEmpty({ message: 'must name at least one algorithm' })
  @IsIn(ASYMMETRIC_ALGORITHMS, { each: true, message: `each must be one of ${ASYMMETRIC_ALGORITHMS.join(', ')}` })
  AUTH_OIDC_ALGORITHMS: string[] = [...ASYMMETRIC_ALGORITHMS];

  @EnvInt()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(0, { message: 'must be from 0 to 300 seconds' })
  @Max(300, { message: 'must be from 0 to 300 seconds' })
  AUTH_OIDC_CLOCK_TOLERANCE_S = 30;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(0, { message: 'must be at least 0' })
  AUTH_JWKS_COOLDOWN_MS = 30_000;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000, { message: 'must be at least 1000 ms' })
  AUTH_JWKS_CACHE_MAX_AGE_MS = 600_000;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  @Max(60_000, { message: 'must be at most 60000 ms' })
  AUTH_IDP_TIMEOUT_MS = 5000;

  /** Dotted claim paths holding role or group names. */
  @EnvList()
  @ArrayNotEmpty({ message: 'must name at least one claim path' })
  @Matches(/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/, { each: true, message: 'each must be a dotted claim path' })
  AUTH_ROLE_CLAIMS: string[] = ['realm_access.roles', 'resource_access.meshtrail.roles', 'groups'];

  @IsString()
  @MinLength(1)
  AUTH_ADMIN_ROLE = 'meshtrail-admin';

  @IsWorkspaceRolePattern()
  AUTH_WORKSPACE_ROLE_PATTERN = '^workspace:(?<workspace>[^:/]+):(?<role>owner|manager)$';

  @EnvList()
  @ArrayNotEmpty({ message: 'must name at least one claim' })
  AUTH_NAME_CLAIMS: string[] = ['preferred_username', 'email', 'name'];

  /** The claim whose value the platform's membership events use as user id. */
  @IsString()
  @MinLength(1)
  AUTH_USER_ID_CLAIM = 'sub';

  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  API_RATE_LIMIT_PER_MINUTE = 600;

  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  API_RATE_LIMIT_BURST = 100;

  /** Requests per client address and minute, counted in memory before authentication. */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  API_RATE_LIMIT_PER_ADDRESS_PER_MINUTE = 1200;

  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  API_RATE_LIMIT_PER_ADDRESS_BURST = 200;

  /** Failed authentications per client address and minute; past them the address waits out the minute. */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  AUTH_FAILURES_PER_ADDRESS_PER_MINUTE = 30;

  /** Signs pagination cursors; unset: a random secret per process (cursors do not survive a restart). */
  @IsOptional()
  @MinLength(32, { message: 'must be at least 32 characters' })
  @MaxLength(1024)
  QUERY_CURSOR_SECRET?: string;

  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be from 1 to 1000' })
  @Max(1000, { message: 'must be from 1 to 1000' })
  QUERY_DEFAULT_LIMIT = 50;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  QUERY_TIMEOUT_MS = 10_000;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000, { message: 'must be at least 1000 ms' })
  EXPORT_IDLE_TIMEOUT_MS = 60_000;

  /** An export (events or access logs) is ended after this long; it is also each of its statements' timeout. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000, { message: 'must be at least 1000 ms' })
  EXPORT_TIMEOUT_MS = 600_000;

  /** Exports one principal may run at once (past them: 429). */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  EXPORT_CONCURRENCY_PER_PRINCIPAL = 2;

  /** Exports one gateway replica runs at once (past them: 503); each holds a connection of the main pool. */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  EXPORT_CONCURRENCY = 4;

  /** Text searches (q words, change) one principal may run at once (past them: 429). */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  TEXT_SEARCH_CONCURRENCY_PER_PRINCIPAL = 2;

  /** The Event Logs page signs in as this public OIDC client (authorization code with PKCE, no secret). */
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'must be 1 to 255 printable characters without spaces' })
  UI_OIDC_CLIENT_ID = 'meshtrail-ui';

  /** Scopes the page asks for; the token must still carry AUTH_OIDC_AUDIENCE (Keycloak: an audience mapper). */
  @Matches(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, { message: 'must be scope names separated by single spaces' })
  UI_OIDC_SCOPE = 'openid profile';

  /** Reading the audit log is audited; a read fails with 503 when its AuditLogViewed event cannot be published within this time. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  AUDIT_VIEW_PUBLISH_TIMEOUT_MS = 5000;

  /** Days an API key lives when its creator names no lifetime (expiresInDays); at most API_KEY_MAX_DAYS. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of days' })
  @Min(1, { message: 'must be at least 1 day' })
  @ValidateBy({
    name: 'isWithinMaximum',
    validator: {
      validate: (value: unknown, args) => Number(value) <= Number((args?.object as GatewayEnv).API_KEY_MAX_DAYS),
      defaultMessage: () => 'must be at most API_KEY_MAX_DAYS',
    },
  })
  API_KEY_DEFAULT_DAYS = DEFAULT_API_KEY_LIFETIME.defaultDays;

  /** The longest lifetime an API key may be given: no key lives for ever. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of days' })
  @Min(1, { message: 'must be at least 1 day' })
  @Max(3650, { message: 'must be at most 3650 days (ten years)' })
  API_KEY_MAX_DAYS = DEFAULT_API_KEY_LIFETIME.maxDays;

  /**
   * The public keys of every key that ever sealed the trail: the gateway checks checkpoint
   * signatures with them and serves them at /api/v1/checkpoints/keys. Unset: proofs are served,
   * their signatures are not checked here (signature "not-checked").
   */
  @IsOptional()
  @IsSealPublicKeys()
  AUDIT_SEAL_PUBLIC_KEYS?: string;

  /** What the settings audit records: every variable above that holds no secret. Never QUERY_CURSOR_SECRET. */
  override recordedSettings(): readonly string[] {
    return [
      ...super.recordedSettings(),
      'AUTH_OIDC_ISSUER',
      'AUTH_OIDC_AUDIENCE',
      'AUTH_OIDC_JWKS_URL',
      'AUTH_OIDC_ALGORITHMS',
      'AUTH_OIDC_CLOCK_TOLERANCE_S',
      'AUTH_JWKS_COOLDOWN_MS',
      'AUTH_JWKS_CACHE_MAX_AGE_MS',
      'AUTH_IDP_TIMEOUT_MS',
      'AUTH_ROLE_CLAIMS',
      'AUTH_ADMIN_ROLE',
      'AUTH_WORKSPACE_ROLE_PATTERN',
      'AUTH_NAME_CLAIMS',
      'AUTH_USER_ID_CLAIM',
      'API_RATE_LIMIT_PER_MINUTE',
      'API_RATE_LIMIT_BURST',
      'QUERY_DEFAULT_LIMIT',
      'QUERY_TIMEOUT_MS',
      'EXPORT_IDLE_TIMEOUT_MS',
      'UI_OIDC_CLIENT_ID',
      'UI_OIDC_SCOPE',
      'AUDIT_VIEW_PUBLISH_TIMEOUT_MS',
      'API_KEY_DEFAULT_DAYS',
      'API_KEY_MAX_DAYS',
      'API_RATE_LIMIT_PER_ADDRESS_PER_MINUTE',
      'API_RATE_LIMIT_PER_ADDRESS_BURST',
      'AUTH_FAILURES_PER_ADDRESS_PER_MINUTE',
      'EXPORT_TIMEOUT_MS',

      'EXPORT_CONCURRENCY_PER_PRINCIPAL',
      'EXPORT_CONCURRENCY',
      'TEXT_SEARCH_CONCURRENCY_PER_PRINCIPAL',
      // public keys: which keys the gateway trusts for proofs is a setting worth a record
      'AUDIT_SEAL_PUBLIC_KEYS',
    ];
  }
}
