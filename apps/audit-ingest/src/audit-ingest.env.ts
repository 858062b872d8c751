import { IsInt, Max, Min } from 'class-validator';
import { EnvInt, ServiceEnv } from '@meshtrail/config';

/** The audit-ingest service's environment. */
export class AuditIngestEnv extends ServiceEnv {
  override PORT = 8081;

  /** Events dated further ahead than this are refused (EVENT.TIME_IN_FUTURE): producers' clocks drift. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of seconds' })
  @Min(0, { message: 'must be at least 0 seconds' })
  @Max(86_400, { message: 'must be at most 86400 seconds (a day)' })
  AUDIT_MAX_FUTURE_SKEW_SECONDS = 300;

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

  /** How long the consumer group waits for a crashed instance before handing its partitions on. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(6_000, { message: 'must be at least 6000 ms (the broker minimum)' })
  @Max(300_000, { message: 'must be at most 300000 ms' })
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS = 30_000;
}
