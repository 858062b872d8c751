import { Injectable } from '@nestjs/common';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';

/** One statement for the whole batch: arrays in, rows out, duplicates (same id and time) skipped. */
const INSERT = `
  WITH inserted AS (
    INSERT INTO access_logs (requested_at, id, service, host, remote_ip, status, method, path,
                             principal, user_agent, accept, duration_ms, line)
    SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::smallint[],
                         $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::integer[], $13::text[])
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::int AS inserted FROM inserted`;

/** The access-log store (table access_logs, monthly partitions). */
@Injectable()
export class AccessLogRepository {
  private readonly months = new Set<string>();

  constructor(private readonly connection: DatabaseConnection) {}

  /** Stores the records idempotently; returns how many were new. */
  async insert(records: readonly AccessLogRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    await this.ensureMonths(records);
    const rows = await this.connection.query<{ inserted: number }>(INSERT, [
      records.map((r) => r.time),
      records.map((r) => r.id),
      records.map((r) => r.service),
      records.map((r) => r.host),
      records.map((r) => r.remoteIp),
      records.map((r) => r.status),
      records.map((r) => r.method),
      records.map((r) => r.path),
      records.map((r) => r.principal),
      records.map((r) => r.userAgent),
      records.map((r) => r.accept),
      records.map((r) => r.durationMs),
      records.map((r) => r.line),
    ]);
    return rows[0].inserted;
  }

  /** Each month a record falls in gets its partition before the insert (once per process). */
  private async ensureMonths(records: readonly AccessLogRecord[]): Promise<void> {
    const months = new Set(records.map((record) => new Date(record.time).toISOString().slice(0, 7)));
    for (const month of months) {
      if (this.months.has(month)) continue;
      await this.connection.query("SELECT meshtrail_ensure_monthly_partitions('access_logs', $1::date, 1)", [
        `${month}-01`,
      ]);
      this.months.add(month);
    }
  }
}
