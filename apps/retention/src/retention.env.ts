import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import { EnvInt, ServiceEnv } from '@meshtrail/config';
import { RETENTION_BOUNDS, RetentionMonths, type RetentionPolicies } from '@meshtrail/retention';
import { cronProblem } from './schedule/cron-schedule';

function IsCronSchedule(): PropertyDecorator {
  return ValidateBy({
    name: 'cronSchedule',
    validator: {
      validate: (value: unknown) => cronProblem(value) === undefined,
      defaultMessage: (args) =>
        `must be a five-field cron expression in UTC, such as "0 3 * * 0" (${cronProblem(args?.value)})`,
    },
  });
}

/** The retention service's environment: the policies, the schedule and how gently to delete. */
export class RetentionEnv extends ServiceEnv {
  override PORT = 8084;

  @RetentionMonths('auditEvents')
  RETENTION_AUDIT_EVENTS_MONTHS = RETENTION_BOUNDS.auditEvents.defaultMonths;

  @RetentionMonths('authEvents')
  RETENTION_AUTH_EVENTS_MONTHS = RETENTION_BOUNDS.authEvents.defaultMonths;

  @RetentionMonths('accessLogs')
  RETENTION_ACCESS_LOGS_MONTHS = RETENTION_BOUNDS.accessLogs.defaultMonths;

  @RetentionMonths('telemetryTransmissions')
  RETENTION_TELEMETRY_TRANSMISSIONS_MONTHS = RETENTION_BOUNDS.telemetryTransmissions.defaultMonths;

  @RetentionMonths('deadLetters')
  RETENTION_DEAD_LETTERS_MONTHS = RETENTION_BOUNDS.deadLetters.defaultMonths;

  /** When enforcement runs (UTC). Default: Sundays at 03:00. */
  @IsCronSchedule()
  RETENTION_SCHEDULE = '0 3 * * 0';

  /** About how many rows one DELETE statement looks at: small statements keep locks short. */
  @EnvInt()
  @IsInt({ message: 'must be an integer' })
  @Min(100, { message: 'must be at least 100' })
  @Max(100_000, { message: 'must be at most 100000' })
  RETENTION_DELETE_BATCH_ROWS = 5000;

  /** How long detaching or creating a partition waits for its lock before backing off to retry. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(100, { message: 'must be at least 100 ms' })
  @Max(60_000, { message: 'must be at most 60000 ms' })
  RETENTION_LOCK_TIMEOUT_MS = 3000;

  /** Monthly partitions kept ready beyond the current month. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of months' })
  @Min(1, { message: 'must be at least 1 month' })
  @Max(24, { message: 'must be at most 24 months' })
  RETENTION_PARTITIONS_AHEAD_MONTHS = 3;

  /** What the settings audit records: every variable above that holds no secret. */
  override recordedSettings(): readonly string[] {
    return [
      ...super.recordedSettings(),
      'RETENTION_AUDIT_EVENTS_MONTHS',
      'RETENTION_AUTH_EVENTS_MONTHS',
      'RETENTION_ACCESS_LOGS_MONTHS',
      'RETENTION_TELEMETRY_TRANSMISSIONS_MONTHS',
      'RETENTION_DEAD_LETTERS_MONTHS',
      'RETENTION_SCHEDULE',
      'RETENTION_DELETE_BATCH_ROWS',
      'RETENTION_LOCK_TIMEOUT_MS',
      'RETENTION_PARTITIONS_AHEAD_MONTHS',
    ];
  }
}

export function policiesOf(env: RetentionEnv): RetentionPolicies {
  return {
    auditEvents: env.RETENTION_AUDIT_EVENTS_MONTHS,
    authEvents: env.RETENTION_AUTH_EVENTS_MONTHS,
    accessLogs: env.RETENTION_ACCESS_LOGS_MONTHS,
    telemetryTransmissions: env.RETENTION_TELEMETRY_TRANSMISSIONS_MONTHS,
    deadLetters: env.RETENTION_DEAD_LETTERS_MONTHS,
  };
}
