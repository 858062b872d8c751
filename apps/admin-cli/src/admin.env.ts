import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { EnvInt, ServiceEnv } from '@meshtrail/config';

const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;

/** Environment of the administrative commands: the service variables plus topic provisioning. */
export class AdminEnv extends ServiceEnv {
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(1000, { message: 'must be at most 1000' })
  KAFKA_TOPIC_PARTITIONS = 6;

  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(10, { message: 'must be at most 10' })
  KAFKA_REPLICATION_FACTOR = 1;

  /**
   * Transport topics keep records a week: enough to ride out an outage, far below any store's
   * minimum. Whatever is configured, no topic keeps records longer than its data's store may
   * (planTopics caps each topic at its data kind's minimum retention).
   */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of hours' })
  @Min(1, { message: 'must be at least 1 hour' })
  @Max(720, { message: 'must be at most 720 hours (30 days): stores, not topics, keep data' })
  KAFKA_TOPIC_RETENTION_HOURS = 168;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of hours' })
  @Min(24, { message: 'must be at least 24 hours' })
  @Max(720, { message: 'must be at most 720 hours (30 days)' })
  KAFKA_DLQ_RETENTION_HOURS = 720;

  @EnvInt()
  @IsInt({ message: 'must be an integer number of hours' })
  @Min(1, { message: 'must be at least 1 hour' })
  @Max(168, { message: 'must be at most 168 hours' })
  KAFKA_TELEMETRY_RETENTION_HOURS = 24;

  /*
   * Each service's own DATABASE_URL, which \`setup\` and \`provision-roles\` read the login role and
   * its password from (the URL's user and password). Unset: the role gets its default name
   * (meshtrail_gateway, ...) and keeps whatever password it has. DATABASE_URL itself is the owner's.
   */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL' })
  GATEWAY_DATABASE_URL?: string;

  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL' })
  AUDIT_INGEST_DATABASE_URL?: string;

  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL' })
  ACCESS_LOG_DATABASE_URL?: string;

  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL' })
  TELEMETRY_RELAY_DATABASE_URL?: string;

  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL' })
  RETENTION_DATABASE_URL?: string;
}
