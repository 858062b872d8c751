import { Inject, Injectable } from '@nestjs/common';
import { DatabaseConnection } from '@meshtrail/database';
import { timedQuery } from '../common/timed-query';
import { READ_DURATIONS, type ReadDurations } from '../read-limits/read-limits.module';
import { encodeTransmissionCursor, transmissionPageSql, type TransmissionFilter } from './transmissions-sql';

/** One outbound request of the telemetry relay (or one batch it dropped unsent), never its payload. */
export interface TransmissionView {
  at: string;
  category: string;
  destination: string;
  items: number;
  bytes: number;
  result: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface TransmissionPage {
  transmissions: TransmissionView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface TransmissionRow {
  at: string;
  sent_us: string;
  id: string;
  category: string;
  destination: string;
  items: number;
  bytes: number;
  result: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** Reads the telemetry relay's transmission log (telemetry_transmissions) in keyset pages. */
@Injectable()
export class TelemetryTransmissionsService {
  constructor(
    private readonly connection: DatabaseConnection,
    @Inject(READ_DURATIONS) private readonly durations: ReadDurations,
  ) {}

  async page(filter: TransmissionFilter): Promise<TransmissionPage> {
    const { sql, params } = transmissionPageSql(filter);
    const rows = await timedQuery<TransmissionRow>(this.connection, this.durations.queryTimeoutMs, sql, params);
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      transmissions: page.map((row) => ({
        at: row.at,
        category: row.category,
        destination: row.destination,
        items: row.items,
        bytes: row.bytes,
        result: row.result,
        statusCode: row.status_code,
        error: row.error,
        durationMs: row.duration_ms,
      })),
      nextCursor:
        rows.length > filter.limit && last ? encodeTransmissionCursor({ sentUs: last.sent_us, id: last.id }) : null,
    };
  }
}
