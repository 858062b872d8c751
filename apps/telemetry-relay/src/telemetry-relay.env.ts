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

/** The telemetry relay's environment: where to send, what, and how to survive outages. */
export class TelemetryRelayEnv extends ServiceEnv {
  override PORT = 8083;

  /** Names this installation to the operations center (a label on everything sent). */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'must be 1-63 letters, digits, ".", "_" or "-"' })
  TELEMETRY_INSTALLATION_ID = 'local';

  @IsIn(PROTOCOLS, { message: `must be one of ${PROTOCOLS.join(', ')}` })
  TELEMETRY_PROTOCOL: Protocol = 'otlp';

  /** OTLP: the base URL (POST <url>/v1/metrics). remote-write: the full write URL. Unset: nothing leaves. */
  @IsOptional()
  @Matches(URL_PATTERN, { message: 'must be an http:// or https:// URL' })
  TELEMETRY_ENDPOINT?: string;

  /** Bearer token for the operations center. */
  @IsOptional()
  @IsString()
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

  /** What the settings audit records: every variable above that holds no secret. Never TELEMETRY_TOKEN, TELEMETRY_HMAC_KEY. */
  override recordedSettings(): readonly string[] {
    return [
      ...super.recordedSettings(),
      'TELEMETRY_INSTALLATION_ID',
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
