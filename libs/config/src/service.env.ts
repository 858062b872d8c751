import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ArrayNotEmpty } from 'class-validator';
import { IsAddressRangeList } from './address-range';
import { EnvBoolean, EnvInt, EnvList } from './env-transforms';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormatName = (typeof LOG_FORMATS)[number];
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/**
 * The environment every meshtrail service reads: logging, HTTP, Kafka and PostgreSQL.
 * Services extend it with their own variables; defaults suit the local stack.
 */
/**
 * The variables every service records in the trail at start (the settings audit): names that
 * never hold a secret. DATABASE_URL and the OTLP endpoints are recorded without their user
 * information and query (see settingsSnapshot); KAFKA_SASL_PASSWORD never.
 */
export const SERVICE_SETTINGS = [
  'LOG_LEVEL',
  'LOG_FORMAT',
  'PORT',
  'HOST',
  'KAFKA_BROKERS',
  'KAFKA_SSL',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_TOPIC_PREFIX',
  'KAFKA_CONSUMER_STALL_SECONDS',
  'KAFKA_CONSUMER_LAG_INTERVAL_MS',
  'DATABASE_URL',
  'DATABASE_POOL_MAX',
  'DATABASE_POOL_RESERVED',
  'HEALTH_TIMEOUT_MS',
  'TELEMETRY_EXPORT_INTERVAL_MS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'SHUTDOWN_TIMEOUT_MS',
  'SETTINGS_AUDIT_ENABLED',
  'ACCESS_LOG_ENABLED',
  'ACCESS_LOG_STDOUT',
  'ACCESS_LOG_BUFFER_MAX_BYTES',
  'ACCESS_LOG_TRUSTED_PROXIES',
  'ACCESS_LOG_BUFFER_SIZE',
  'ACCESS_LOG_DROP_AFTER_MS',
] as const;

export class ServiceEnv {
  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevelName = 'info';

  @IsIn(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT: LogFormatName = 'json';

  @EnvInt()
  @IsInt({ message: 'must be an integer port number' })
  @Min(0, { message: 'must be a port number from 0 to 65535' })
  @Max(65535, { message: 'must be a port number from 0 to 65535' })
  PORT = 8080;

  @IsString()
  HOST = '0.0.0.0';

  @EnvList()
  @ArrayNotEmpty({ message: 'must list at least one broker as host:port' })
  @Matches(/^[^\s:,]+:\d{1,5}$/, { each: true, message: 'each broker must be host:port' })
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  @EnvBoolean()
  @IsBoolean({ message: 'must be true or false' })
  KAFKA_SSL = false;

  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'], { message: 'must be plain, scram-sha-256 or scram-sha-512' })
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @IsOptional()
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /** Prepended to every topic and consumer group name: isolates test runs and shared clusters. */
  @Matches(/^[a-zA-Z0-9._-]*$/, { message: 'may hold only letters, digits, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX = '';

  /**
   * A partition with work waiting that has not advanced for this long turns the service's
   * readiness DOWN (the `consumers` health component), naming it and its last error.
   */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1, { message: 'must be at least 1 s' })
  @Max(86400, { message: 'must be at most 86400 s (a day)' })
  KAFKA_CONSUMER_STALL_SECONDS = 60;

  /** How often each consumer's real lag (high watermark minus committed offset) is read from the broker. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(500, { message: 'must be at least 500 ms' })
  @Max(600000, { message: 'must be at most 600000 ms (ten minutes)' })
  KAFKA_CONSUMER_LAG_INTERVAL_MS = 10000;

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/meshtrail';

  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(200, { message: 'must be at most 200' })
  DATABASE_POOL_MAX = 10;

  /**
   * Connections of a second, small pool kept for health checks and authentication, so work that
   * holds the main pool's connections (exports) can never starve them; 0: they share the main pool.
   */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must be from 0 to 20' })
  @Max(20, { message: 'must be from 0 to 20' })
  DATABASE_POOL_RESERVED = 2;

  /** Upper bound for each health check, so probes answer even when a dependency hangs. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  @Max(60000, { message: 'must be at most 60000 ms' })
  HEALTH_TIMEOUT_MS = 2000;

  /** How often the service pushes its metrics, as OTLP protobuf, to telemetry.otlp.v1. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000, { message: 'must be at least 1000 ms' })
  @Max(3600000, { message: 'must be at most 3600000 ms (one hour)' })
  TELEMETRY_EXPORT_INTERVAL_MS = 60000;

  /**
   * Where traces go: an OpenTelemetry Collector's OTLP base URL (`/v1/traces` is appended). Unset
   * (and OTEL_EXPORTER_OTLP_TRACES_ENDPOINT unset): no spans are exported. Read by the
   * OpenTelemetry SDK itself, before this class is; validated here so a typo stops the start.
   */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** The full OTLP traces URL, when it is not `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  @IsIn(OTLP_PROTOCOLS, { message: `must be one of ${OTLP_PROTOCOLS.join(', ')}` })
  OTEL_EXPORTER_OTLP_PROTOCOL: (typeof OTLP_PROTOCOLS)[number] = 'http/protobuf';

  /** Which traces are kept: the SDK's standard samplers (with OTEL_TRACES_SAMPLER_ARG as the ratio). */
  @IsIn(TRACE_SAMPLERS, { message: `must be one of ${TRACE_SAMPLERS.join(', ')}` })
  OTEL_TRACES_SAMPLER: (typeof TRACE_SAMPLERS)[number] = 'parentbased_always_on';

  @IsOptional()
  @Matches(/^(0(\.\d+)?|1(\.0+)?)$/, { message: 'must be a ratio from 0 to 1' })
  OTEL_TRACES_SAMPLER_ARG?: string;

  /** How long a graceful shutdown may take before the process exits anyway. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1000, { message: 'must be at least 1000 ms' })
  SHUTDOWN_TIMEOUT_MS = 25000;

  /**
   * The settings audit: the effective non-secret settings recorded at start, a change published
   * to the trail. Off, the service says so in a WARN line at every start, and the next start with
   * it on publishes every change made meanwhile (the last record stays). Off only where a test
   * suite counts the trail's events exactly.
   */
  @EnvBoolean()
  @IsBoolean({ message: 'must be true or false' })
  SETTINGS_AUDIT_ENABLED = true;

  /** Access logging of every HTTP request: the line on stdout and the record on access-logs.v1. */
  @EnvBoolean()
  @IsBoolean({ message: 'must be true or false' })
  ACCESS_LOG_ENABLED = true;

  /**
   * Whether access lines go to stdout too (the record is published to access-logs.v1 either way).
   * Off by default: stdout carries the component logs, which hold no personal data; access lines
   * (addresses, principals) have their own stream and their own retention.
   */
  @EnvBoolean()
  @IsBoolean({ message: 'must be true or false' })
  ACCESS_LOG_STDOUT = false;

  /** Proxies whose X-Forwarded-For is believed: IP addresses and CIDR ranges. */
  @EnvList()
  @IsAddressRangeList()
  ACCESS_LOG_TRUSTED_PROXIES: string[] = [];

  /** Access-log records held for publishing; when full, as many more wait for ACCESS_LOG_DROP_AFTER_MS. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of records' })
  @Min(100, { message: 'must be at least 100' })
  @Max(1_000_000, { message: 'must be at most 1000000' })
  ACCESS_LOG_BUFFER_SIZE = 10000;

  /**
   * Characters of serialized records (bytes, for the ASCII they mostly are) the access-log buffer
   * and its overflow hold together: the record count alone does not bound memory, a record's path
   * and headers can be kilobytes.
   */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of bytes' })
  @Min(1_048_576, { message: 'must be at least 1048576' })
  @Max(1_073_741_824, { message: 'must be at most 1073741824' })
  ACCESS_LOG_BUFFER_MAX_BYTES = 33_554_432;

  /** How long the access-log buffer may stay full before records that find no room are dropped. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(0, { message: 'must be at least 0 ms' })
  @Max(3_600_000, { message: 'must be at most 3600000 ms (an hour)' })
  ACCESS_LOG_DROP_AFTER_MS = 30000;

  /**
   * The variables this service records in the trail at start: an allow-list of names that hold
   * no secret. A service adds its own by overriding this; a variable not listed is never recorded.
   */
  recordedSettings(): readonly string[] {
    return SERVICE_SETTINGS;
  }
}
