import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EnvInt, EnvList, IsReadableFile, ServiceEnv } from '@meshtrail/config';
import { LOG_RETENTION_BOUNDS, logBoundsRule } from '@meshtrail/retention';
import { SIEM_STREAMS, type SiemStream } from './siem/siem-entry';
import { SYSLOG_RECEIVER_URL } from './siem/syslog/syslog-receiver';

/** Access lines may be kept at most their maximum months, counted in the shortest (28-day) months. */
const NDJSON_FILE_MAX_DAYS = LOG_RETENTION_BOUNDS.accessLines.maxMonths * 28;
const STREAMS_MESSAGE = `each stream must be one of ${SIEM_STREAMS.join(', ')}`;

/** The access-log service's environment: the store needs nothing more; SIEM forwarding does. */
export class AccessLogEnv extends ServiceEnv {
  override PORT = 8082;

  /** Syslog receivers (RFC 5424 over TCP, octet-counted): `tcp://host:514,tls://siem.example.com:6514`. */
  @EnvList()
  @Matches(SYSLOG_RECEIVER_URL, { each: true, message: 'each receiver must be tcp://host:port or tls://host:port' })
  SIEM_SYSLOG_RECEIVERS: string[] = [];

  @EnvList()
  @IsIn(SIEM_STREAMS, { each: true, message: STREAMS_MESSAGE })
  SIEM_SYSLOG_STREAMS: SiemStream[] = ['access-logs'];

  /** Syslog facility of every message (16 = local0). */
  @EnvInt()
  @IsInt({ message: 'must be an integer from 0 to 23' })
  @Min(0, { message: 'must be an integer from 0 to 23' })
  @Max(23, { message: 'must be an integer from 0 to 23' })
  SIEM_SYSLOG_FACILITY = 16;

  /** IANA private enterprise number in the structured-data IDs; 32473 is the one reserved for examples. */
  @EnvInt()
  @IsInt({ message: 'must be a positive integer' })
  @Min(1, { message: 'must be a positive integer' })
  SIEM_SYSLOG_ENTERPRISE_ID = 32473;

  /** How long a receiver's connection must stay open after a write before the batch counts as delivered. */
  @EnvInt()
  @IsInt({ message: 'must be an integer number of milliseconds' })
  @Min(0, { message: 'must be at least 0 ms' })
  @Max(10_000, { message: 'must be at most 10000 ms' })
  SIEM_SYSLOG_CONFIRM_MS = 200;

  /** PEM CA bundle for tls:// receivers and an https:// NDJSON target (the system CAs otherwise). */
  @IsOptional()
  @IsReadableFile()
  SIEM_CA_FILE?: string;

  /** NDJSON destination: `file:///var/log/meshtrail/siem.ndjson` or an http(s):// URL to POST batches to. */
  @IsOptional()
  @Matches(/^(file:\/\/\/\S+|https?:\/\/\S+)$/, { message: 'must be a file:///path or an http(s):// URL' })
  SIEM_NDJSON_TARGET?: string;

  @EnvList()
  @IsIn(SIEM_STREAMS, { each: true, message: STREAMS_MESSAGE })
  SIEM_NDJSON_STREAMS: SiemStream[] = ['access-logs'];

  /**
   * The NDJSON file target is written one file per UTC day; day files older than this are
   * deleted. At most six months of 28 days (168 days): access lines may not be kept longer.
   */
  @EnvInt()
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1, { message: 'must be at least 1 day' })
  @Max(NDJSON_FILE_MAX_DAYS, {
    message: `must be at most ${NDJSON_FILE_MAX_DAYS} days (${logBoundsRule('accessLines')})`,
  })
  SIEM_NDJSON_FILE_MAX_AGE_DAYS = 31;

  /** Authorization header for the NDJSON HTTP target, e.g. `Splunk <HEC token>`. */
  @IsOptional()
  @IsString()
  SIEM_NDJSON_HTTP_TOKEN?: string;

  /** Where a destination's new consumer group starts: the oldest retained record, or new ones only. */
  @IsIn(['earliest', 'latest'], { message: 'must be earliest or latest' })
  SIEM_FORWARD_FROM: 'earliest' | 'latest' = 'earliest';

  /** What the settings audit records: every variable above that holds no secret. Never SIEM_NDJSON_HTTP_TOKEN. */
  override recordedSettings(): readonly string[] {
    return [
      ...super.recordedSettings(),
      'SIEM_SYSLOG_RECEIVERS',
      'SIEM_SYSLOG_STREAMS',
      'SIEM_SYSLOG_FACILITY',
      'SIEM_SYSLOG_ENTERPRISE_ID',
      'SIEM_SYSLOG_CONFIRM_MS',
      'SIEM_CA_FILE',
      'SIEM_NDJSON_TARGET',
      'SIEM_NDJSON_STREAMS',
      'SIEM_NDJSON_FILE_MAX_AGE_DAYS',
      'SIEM_FORWARD_FROM',
    ];
  }
}
