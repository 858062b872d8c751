import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { EnvBoolean, EnvInt, EnvList, ServiceEnv } from '@meshtrail/config';
import { CATEGORIES, MANDATORY_CATEGORIES } from './policy/categories';
import { DEFAULT_DENY_LABELS } from './policy/label-rules';

export const PROTOCOLS = ['otlp', 'remote-write'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Health and heartbeat cannot be switched off; anything else must be a known category. */
function OptOutCategories(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'optOutCategories',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.every((c) => (CATEGORIES as readonly string[]).includes(c) && !MANDATORY_CATEGORIES.includes(c)),
        defaultMessage: (args?: ValidationArguments) => {
          const given = Array.isArray(args?.value) ? (args.value as string[]) : [];
          const mandatory = given.filter((c) => MANDATORY_CATEGORIES.includes(c as never));
          if (mandatory.length > 0)
            return `${mandatory.join(' and ')} cannot be disabled: the operations center must always receive health and heartbeat`;
          return `must list categories from ${CATEGORIES.filter((c) => !MANDATORY_CATEGORIES.includes(c)).join(', ')}`;
        },
      },
    });
}

const URL_PATTERN = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const INSTALLATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** https:// only, unless TELEMETRY_ALLOW_INSECURE=true (tests): what leaves must not be read or altered on the way. */
function SecureUrl(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'secureUrl',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          value === undefined ||
          (args?.object as TelemetryRelayEnv).TELEMETRY_ALLOW_INSECURE === true ||
          (typeof value === 'string' && value.startsWith('https://')),
        defaultMessage: () => 'must be an https:// URL (http:// only with TELEMETRY_ALLOW_INSECURE=true, for tests)',
      },
    });
}

function NotWithClientCredentials(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notWithClientCredentials',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          value === undefined || (args?.object as TelemetryRelayEnv).TELEMETRY_OAUTH_CLIENT_ID === undefined,
        defaultMessage: () =>
          'cannot be combined with TELEMETRY_OAUTH_CLIENT_ID: choose a static token or client credentials',
      },
    });
}

/** With client credentials, the installation is the client: a different TELEMETRY_INSTALLATION_ID is a mistake. */
function MatchesClientId(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'matchesClientId',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const clientId = (args?.object as TelemetryRelayEnv).TELEMETRY_OAUTH_CLIENT_ID;
          return value === undefined || clientId === undefined || value === clientId;
        },
        defaultMessage: () =>
          'must be unset or equal TELEMETRY_OAUTH_CLIENT_ID: with client credentials the installation is the client',
      },
    });
}

/** The telemetry relay's environment: where to send, what, and how to survive outages. */
export class TelemetryRelayEnv extends ServiceEnv {
  override PORT = 8083;

  /**
   * Names this installation to the operations center (a label on everything sent). Unset: the
   * OAuth client id when client credentials are configured, otherwise "local".
   */
  @IsOptional()
  @Matches(INSTALLATION_ID, { message: 'must be 1-63 letters, digits, ".", "_" or "-"' })
  @MatchesClientId()
  TELEMETRY_INSTALLATION_ID?: string;

  /** Plain http:// for the center, the usage endpoint and the token endpoint: tests only (warned at start). */
  @EnvBoolean()
  @IsBoolean({ message: 'must be true or false' })
  TELEMETRY_ALLOW_INSECURE = false;

  /** OAuth 2.0 token endpoint of the center's identity provider (client credentials grant). */
  @ValidateIf(
    (env: TelemetryRelayEnv) => env.TELEMETRY_OAUTH_CLIENT_ID !== undefined || env.TELEMETRY_OAUTH_URL !== undefined,
  )
  @Matches(URL_PATTERN, { message: 'must be an https:// URL (required with TELEMETRY_OAUTH_CLIENT_ID)' })
  @SecureUrl()
  TELEMETRY_OAUTH_URL?: string;

  /** The client registered for this installation in the center's identity provider; also its installation id. */
  @ValidateIf(
    (env: TelemetryRelayEnv) => env.TELEMETRY_OAUTH_URL !== undefined || env.TELEMETRY_OAUTH_CLIENT_ID !== undefined,
  )
  @Matches(INSTALLATION_ID, {
    message: 'must be 1-63 letters, digits, ".", "_" or "-" (required with TELEMETRY_OAUTH_URL)',
  })
  TELEMETRY_OAUTH_CLIENT_ID?: string;

  @ValidateIf((env: TelemetryRelayEnv) => env.TELEMETRY_OAUTH_CLIENT_ID !== undefined)
  @IsString({ message: 'is required with TELEMETRY_OAUTH_CLIENT_ID' })
  @MinLength(1, { message: 'is required with TELEMETRY_OAUTH_CLIENT_ID' })
  TELEMETRY_OAUTH_CLIENT_SECRET?: string;

  /** Space-separated scopes to ask for (optional). */
  @IsOptional()
  @IsString()
  TELEMETRY_OAUTH_SCOPE?: string;

  @IsIn(PROTOCOLS, { message: `must be one of ${PROTOCOLS.join(', ')}` })
  TELEMETRY_PROTOCOL: Protocol = 'otlp';

  /** OTLP: the base URL (POST <url>/v1/metrics). remote-write: the full write URL. Unset: nothing leaves. */
  @IsOptional()
  @Matches(URL_PATTERN, { message: 'must be an http:// or https:// URL' })
  @SecureUrl()
  TELEMETRY_ENDPOINT?: string;

  /** A static bearer token for the operations center (instead of client credentials). */
  @IsOptional()
  @IsString()
  @NotWithClientCredentials()
  TELEMETRY_TOKEN?: string;

  /** PEM file with the CA that signed the operations center's certificate (when not a public CA). */
  @IsOptional()
  @IsString()
  TELEMETRY_CA_FILE?: string;

  /** Categories this installation opts out of (host, service, application). */
  @EnvList()
  @OptOutCategories()
  TELEMETRY_DISABLED_CATEGORIES: string[] = [];

  /** Product-usage events are sent only when this is true. */
  @EnvBoolean()
  @IsBoolean({ message: 'must be true or false' })
  TELEMETRY_USAGE_ENABLED = false;

  /** Plausible-compatible server (POST <url>/api/event). Required when usage is enabled. */
  @ValidateIf((env: TelemetryRelayEnv) => env.TELEMETRY_USAGE_ENABLED || env.TELEMETRY_USAGE_ENDPOINT !== undefined)
  @Matches(URL_PATTERN, { message: 'must be an http:// or https:// URL (required when TELEMETRY_USAGE_ENABLED=true)' })
  @SecureUrl()
  TELEMETRY_USAGE_ENDPOINT?: string;

  /** The site name usage events are recorded under. */
  @Matches(/^[A-Za-z0-9.-]{1,253}$/, { message: 'must be a domain name' })
  TELEMETRY_USAGE_DOMAIN = 'meshtrail';

  @IsIn(['drop', 'hmac'], { message: 'must be drop or hmac' })
  TELEMETRY_SCRUB_MODE: 'drop' | 'hmac' = 'drop';

  /** Key for the HMAC pseudonyms (hmac mode). Keep it secret and stable: changing it changes every pseudonym. */
  @ValidateIf((env: TelemetryRelayEnv) => env.TELEMETRY_SCRUB_MODE === 'hmac')
  @IsString({ message: 'is required when TELEMETRY_SCRUB_MODE=hmac' })
  @MinLength(32, { message: 'must be at least 32 characters' })
  TELEMETRY_HMAC_KEY?: string;

  /** Label names that identify customers (matched on name tokens: "workspace" matches workspace_id, workspaceId). */
  @EnvList()
  @Matches(/^[A-Za-z0-9_.-]+$/, { each: true, message: 'each entry must be a label name' })
  TELEMETRY_DENY_LABELS: string[] = [...DEFAULT_DENY_LABELS];

  /** Label names to add to the built-in allow-list (everything else is removed). */
  @EnvList()
  @Matches(/^[A-Za-z_][A-Za-z0-9_.]*$/, { each: true, message: 'each entry must be a label name' })
  TELEMETRY_ALLOW_LABELS: string[] = [];

  /** Services whose /actuator/health and /version the health check collects: name=baseURL,... */
  @EnvList()
  @Matches(/^[a-z][a-z0-9-]*=https?:\/\/\S+$/, { each: true, message: 'each entry must be name=http://host:port' })
  TELEMETRY_HEALTH_TARGETS: string[] = [];

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000, { message: 'must be at least 1000 ms' })
  TELEMETRY_HEALTH_INTERVAL_MS = 120_000;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000, { message: 'must be at least 1000 ms' })
  TELEMETRY_HEARTBEAT_INTERVAL_MS = 60_000;

  /** The disk queue: mount a persistent volume here so an outage and a restart lose nothing. */
  @IsString()
  TELEMETRY_QUEUE_DIR = 'data/telemetry-queue';

  @EnvInt()
  @IsInt({ message: 'must be an integer number of bytes' })
  @Min(1_048_576, { message: 'must be at least 1048576 (1 MiB)' })
  TELEMETRY_QUEUE_MAX_BYTES = 268_435_456;

  /** Upper bound of one outbound request's payload (several queued segments are merged up to it). */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of bytes' })
  @Min(65_536, { message: 'must be at least 65536' })
  @Max(67_108_864, { message: 'must be at most 67108864 (64 MiB)' })
  TELEMETRY_BATCH_MAX_BYTES = 1_048_576;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(10, { message: 'must be at least 10 ms' })
  TELEMETRY_RETRY_INITIAL_MS = 1000;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  TELEMETRY_RETRY_MAX_MS = 60_000;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  TELEMETRY_REQUEST_TIMEOUT_MS = 10_000;

  /**
   * What the settings audit records: every variable above that holds no secret. Never
   * TELEMETRY_TOKEN, TELEMETRY_HMAC_KEY, TELEMETRY_OAUTH_CLIENT_SECRET.
   */
  override recordedSettings(): readonly string[] {
    return [
      ...super.recordedSettings(),
      'TELEMETRY_INSTALLATION_ID',
      'TELEMETRY_ALLOW_INSECURE',
      'TELEMETRY_OAUTH_URL',
      'TELEMETRY_OAUTH_CLIENT_ID',
      'TELEMETRY_OAUTH_SCOPE',
      'TELEMETRY_PROTOCOL',
      'TELEMETRY_ENDPOINT',
      'TELEMETRY_CA_FILE',
      'TELEMETRY_DISABLED_CATEGORIES',
      'TELEMETRY_USAGE_ENABLED',
      'TELEMETRY_USAGE_ENDPOINT',
      'TELEMETRY_USAGE_DOMAIN',
      'TELEMETRY_SCRUB_MODE',
      'TELEMETRY_DENY_LABELS',
      'TELEMETRY_ALLOW_LABELS',
      'TELEMETRY_HEALTH_TARGETS',
      'TELEMETRY_HEALTH_INTERVAL_MS',
      'TELEMETRY_HEARTBEAT_INTERVAL_MS',
      'TELEMETRY_QUEUE_DIR',
      'TELEMETRY_QUEUE_MAX_BYTES',
      'TELEMETRY_BATCH_MAX_BYTES',
      'TELEMETRY_RETRY_INITIAL_MS',
      'TELEMETRY_RETRY_MAX_MS',
      'TELEMETRY_REQUEST_TIMEOUT_MS',
    ];
  }
}

/** The installation id the relay labels everything with: the explicit one, the OAuth client, or "local". */
export function installationIdOf(
  config: Pick<TelemetryRelayEnv, 'TELEMETRY_INSTALLATION_ID' | 'TELEMETRY_OAUTH_CLIENT_ID'>,
): string {
  return config.TELEMETRY_INSTALLATION_ID ?? config.TELEMETRY_OAUTH_CLIENT_ID ?? 'local';
}
