import {
  ArrayNotEmpty,
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
  ValidateIf,
} from 'class-validator';
import { EnvInt, EnvList, ServiceEnv } from '@meshtrail/config';
import { DEFAULT_OLDEST_EVENT_TIME, STORABLE_TIME_MIN_MS, parseRfc3339, type TimeWindow } from '@meshtrail/contracts';
import { signerFromPem } from '@meshtrail/trail-proof';

/** An RFC 3339 timestamp with a zone, a real date from the year 0001 on, and not in the future. */
function IsOldestTime(): PropertyDecorator {
  return ValidateBy({
    name: 'isOldestTime',
    validator: {
      validate: (value: unknown) => {
        const parsed = typeof value === 'string' ? parseRfc3339(value) : undefined;
        return parsed?.ok === true && parsed.ms >= STORABLE_TIME_MIN_MS && parsed.ms <= Date.now();
      },
      defaultMessage: () =>
        'must be an RFC 3339 timestamp with a zone, such as 2000-01-01T00:00:00Z, between 0001-01-01 and now',
    },
  });
}

/** An Ed25519 private key in PEM (PKCS #8), newlines as is or written \\n. */
function IsSealingKey(): PropertyDecorator {
  return ValidateBy({
    name: 'isSealingKey',
    validator: {
      validate: (value: unknown) => {
        if (value === undefined || value === '') return true;
        try {
          signerFromPem(sealingKeyPem(String(value)));
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        'must be an Ed25519 private key in PEM (BEGIN PRIVATE KEY), such as openssl genpkey -algorithm ed25519 writes',
    },
  });
}

/** The PEM of AUDIT_SEAL_PRIVATE_KEY: env files often carry newlines as \\n. */
export function sealingKeyPem(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

/** The audit-ingest service's environment. */
export class AuditIngestEnv extends ServiceEnv {
  override PORT = 8081;

  /** Events dated further ahead than this are refused (EVENT.TIME_IN_FUTURE): producers' clocks drift. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(0, { message: 'must be at least 0 seconds' })
  @Max(86_400, { message: 'must be at most 86400 seconds (a day)' })
  AUDIT_MAX_FUTURE_SKEW_SECONDS = 300;

  /**
   * Events and Keycloak lines dated before this are refused (EVENT.TIME_OUT_OF_RANGE,
   * KEYCLOAK.TIME_OUT_OF_RANGE): a zero or unset clock (1970, year 1) is a producer's bug, not
   * history. The default predates the platform and any event it has to keep.
   */
  @IsOldestTime()
  AUDIT_OLDEST_EVENT_TIME = DEFAULT_OLDEST_EVENT_TIME;

  /** Kafka partitions handled at once: one parses while another's batch is written. */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(64, { message: 'must be at most 64' })
  AUDIT_INGEST_CONCURRENCY = 3;

  /** Threads that parse and validate batches, off the main thread that talks to Kafka and the database. */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(32, { message: 'must be at most 32' })
  AUDIT_INGEST_VALIDATION_THREADS = 1;

  /** Upper bound of one batch (bytes fetched per partition): bounds memory and transaction size. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of bytes' })
  @Min(65_536, { message: 'must be at least 65536 bytes' })
  @Max(67_108_864, { message: 'must be at most 67108864 bytes (64 MiB)' })
  AUDIT_INGEST_MAX_BATCH_BYTES = 2_097_152;

  /** Monthly partitions kept ready ahead of the current month (checked at start and every 6 hours). */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of months' })
  @Min(1, { message: 'must be at least 1 month' })
  @Max(24, { message: 'must be at most 24 months' })
  AUDIT_PARTITION_MONTHS_AHEAD = 3;

  /** Events the projector copies into the read model per transaction. */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(100_000, { message: 'must be at most 100000' })
  AUDIT_PROJECTION_BATCH = 5000;

  /** The projector's pause when it found less than a batch; a commit by this process's writers ends it (other replicas' commits wait for it). */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(1, { message: 'must be at least 1 ms' })
  @Max(10_000, { message: 'must be at most 10000 ms' })
  AUDIT_PROJECTION_IDLE_MS = 50;

  /** How often the projector measures its lag (for health and meshtrail.projection.lag). */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  @Max(300_000, { message: 'must be at most 300000 ms' })
  AUDIT_PROJECTION_LAG_CHECK_MS = 5000;

  /** The read model this far behind the trail makes the projection health component DOWN. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1, { message: 'must be at least 1 second' })
  @Max(86_400, { message: 'must be at most 86400 seconds (a day)' })
  AUDIT_PROJECTION_LAG_DOWN_SECONDS = 60;

  /** Seconds between checkpoints (the sealer seals what the projector has passed); 0 turns sealing off. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(0, { message: 'must be at least 0 (0 turns sealing off)' })
  @Max(3600, { message: 'must be at most 3600 seconds (an hour)' })
  AUDIT_SEAL_INTERVAL_SECONDS = 60;

  /** Events per checkpoint at most (each adds 56 bytes to its leaf list); more are sealed in several. */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(15_000, { message: 'must be at most 15000 (a checkpoint record stays under 1 MiB)' })
  AUDIT_SEAL_MAX_EVENTS = 10_000;

  /**
   * The Ed25519 private key that signs checkpoints (PEM). Unset while sealing is on, the sealing
   * health component is DOWN: nothing is sealed.
   */
  @IsOptional()
  @IsSealingKey()
  AUDIT_SEAL_PRIVATE_KEY?: string;

  /** The key id written into each checkpoint; unset: the public key's fingerprint (ed25519:<16 hex>). */
  @IsOptional()
  @MaxLength(128, { message: 'must be at most 128 characters' })
  AUDIT_SEAL_KEY_ID?: string;

  /** How long the consumer group waits for a crashed instance before handing its partitions on. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(6_000, { message: 'must be at least 6000 ms (the broker minimum)' })
  @Max(300_000, { message: 'must be at most 300000 ms' })
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS = 30_000;

  /**
   * Keycloak's base URL (https://keycloak.example.com): the event feed reads the events Keycloak
   * stores through its admin REST API into keycloak.events.raw.v1. Unset: no feed (Keycloak's log
   * lines may still be shipped to the topic).
   */
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an http(s) URL' },
  )
  KEYCLOAK_FEED_URL?: string;

  /** The realms whose events the feed reads. */
  @EnvList()
  @ArrayNotEmpty({ message: 'must name at least one realm' })
  @Matches(/^[^/\s]{1,255}$/, { each: true, message: 'each must be a realm name (no / or spaces)' })
  KEYCLOAK_FEED_REALMS: string[] = ['meshtrail'];

  /** The realm the feed's client lives in (its token endpoint); unset: the first of KEYCLOAK_FEED_REALMS. */
  @IsOptional()
  @Matches(/^[^/\s]{1,255}$/, { message: 'must be a realm name (no / or spaces)' })
  KEYCLOAK_FEED_CLIENT_REALM?: string;

  /** A confidential client with a service account holding realm-management's view-events role. */
  @IsString()
  @MinLength(1)
  KEYCLOAK_FEED_CLIENT_ID = 'meshtrail-event-feed';

  @ValidateIf((env: AuditIngestEnv) => env.KEYCLOAK_FEED_URL !== undefined)
  @IsString({ message: "must be set when KEYCLOAK_FEED_URL is: the feed client's secret" })
  @MinLength(1, { message: "must be set when KEYCLOAK_FEED_URL is: the feed client's secret" })
  KEYCLOAK_FEED_CLIENT_SECRET?: string;

  /** Pause between polls once the feed has caught up: what a quiet Keycloak adds to login-to-trail. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  @Max(300_000, { message: 'must be at most 300000 ms' })
  KEYCLOAK_FEED_INTERVAL_MS = 1000;

  /**
   * How far back each poll reads again: an event Keycloak commits this long after its own
   * timestamp (a slow request, a node whose clock is behind) is still found. Events read again
   * are recognised by their id and not published twice.
   */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1, { message: 'must be at least 1 second' })
  @Max(86_400, { message: 'must be at most 86400 seconds (a day)' })
  KEYCLOAK_FEED_OVERLAP_SECONDS = 60;

  /** Events asked for per request (Keycloak's max). */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(10, { message: 'must be at least 10' })
  @Max(5000, { message: 'must be at most 5000' })
  KEYCLOAK_FEED_PAGE_SIZE = 500;

  /** Polls failing this long make the keycloakFeed health component DOWN. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(1, { message: 'must be at least 1 second' })
  @Max(86_400, { message: 'must be at most 86400 seconds' })
  KEYCLOAK_FEED_DOWN_AFTER_SECONDS = 60;

  /** What the settings audit records: every variable above that holds no secret. Never AUDIT_SEAL_PRIVATE_KEY. */
  override recordedSettings(): readonly string[] {
    return [
      ...super.recordedSettings(),
      'AUDIT_MAX_FUTURE_SKEW_SECONDS',
      'AUDIT_OLDEST_EVENT_TIME',
      'AUDIT_INGEST_CONCURRENCY',
      'AUDIT_INGEST_VALIDATION_THREADS',
      'AUDIT_INGEST_MAX_BATCH_BYTES',
      'AUDIT_PARTITION_MONTHS_AHEAD',
      'AUDIT_PROJECTION_BATCH',
      'AUDIT_PROJECTION_IDLE_MS',
      'AUDIT_PROJECTION_LAG_CHECK_MS',
      'AUDIT_PROJECTION_LAG_DOWN_SECONDS',
      'AUDIT_SEAL_INTERVAL_SECONDS',
      'AUDIT_SEAL_MAX_EVENTS',
      'AUDIT_SEAL_KEY_ID',
      'KAFKA_CONSUMER_SESSION_TIMEOUT_MS',
      'KEYCLOAK_FEED_URL',
      'KEYCLOAK_FEED_REALMS',
      'KEYCLOAK_FEED_CLIENT_REALM',
      'KEYCLOAK_FEED_CLIENT_ID',
      'KEYCLOAK_FEED_INTERVAL_MS',
      'KEYCLOAK_FEED_OVERLAP_SECONDS',
      'KEYCLOAK_FEED_PAGE_SIZE',
      'KEYCLOAK_FEED_DOWN_AFTER_SECONDS',
    ];
  }
}

/** The time window events and Keycloak lines must fall in, judged by `now`. */
export function eventTimeWindow(config: AuditIngestEnv, now: Date): TimeWindow {
  const oldest = parseRfc3339(config.AUDIT_OLDEST_EVENT_TIME);
  return {
    now,
    oldest: new Date(oldest.ok ? oldest.ms : DEFAULT_OLDEST_EVENT_TIME),
    maxFutureSkewMs: config.AUDIT_MAX_FUTURE_SKEW_SECONDS * 1000,
  };
}
