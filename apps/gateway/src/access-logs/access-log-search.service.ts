import { Inject, Injectable } from '@nestjs/common';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { timedQuery } from '../common/timed-query';
import { READ_DURATIONS, type ReadDurations } from '../read-limits/read-limits.module';
import { accessLogPageSql, accessLogStatsSql, encodeCursor, type AccessLogFilter } from './access-log-filter';

interface AccessLogRow {
  requested_at: Date;
  id: string;
  service: string;
  host: string;
  remote_ip: string;
  status: number;
  method: string;
  path: string;
  principal: string | null;
  user_agent: string | null;
  accept: string | null;
  duration_ms: number;
  line: string;
}

/** Requests in one UTC hour, and how many of them failed. */
export interface HourCounts {
  /** The hour's start, ISO 8601 UTC. */
  hour: string;
  requests: number;
  /** 4xx answers. */
  clientErrors: number;
  /** 5xx answers. */
  serverErrors: number;
  /** (4xx + 5xx) / requests; 0 in an hour without requests. */
  errorRate: number;
}

export interface AccessLogStats {
  from: string;
  to: string;
  bucket: 'hour';
  /** Every hour of [from, to), oldest first, zeros included. */
  hours: HourCounts[];
}

const HOUR_MS = 3_600_000;

export interface AccessLogPage {
  items: AccessLogRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

function toRecord(row: AccessLogRow): AccessLogRecord {
  return {
    id: row.id,
    time: row.requested_at.toISOString(),
    service: row.service,
    host: row.host,
    remoteIp: row.remote_ip,
    status: row.status,
    method: row.method,
    path: row.path,
    principal: row.principal,
    userAgent: row.user_agent,
    accept: row.accept,
    durationMs: row.duration_ms,
    line: row.line,
  };
}

/** Export pages: large enough to keep round trips few, small enough to keep memory flat. */
const EXPORT_CHUNK = 1000;

/** Searches the access-log store: keyset pages, newest first, and exports that stream page by page. */
@Injectable()
export class AccessLogSearchService {
  constructor(
    private readonly connection: DatabaseConnection,
    @Inject(READ_DURATIONS) private readonly durations: ReadDurations,
  ) {}

  /** A page, its query stopped by PostgreSQL after QUERY_TIMEOUT_MS (a filter no index narrows can scan months). */
  async page(filter: AccessLogFilter): Promise<AccessLogPage> {
    const { sql, params } = accessLogPageSql(filter);
    const rows = await this.timed<AccessLogRow>(sql, params);
    const items = rows.slice(0, filter.limit).map(toRecord);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
  }

  /** Matching requests per UTC hour of `range` (whole hours), every hour present, under the same timeout. */
  async stats(filter: AccessLogFilter, range: { from: string; to: string }): Promise<AccessLogStats> {
    const { sql, params } = accessLogStatsSql(filter);
    const rows = await this.timed<{ hour: string; requests: number; client_errors: number; server_errors: number }>(
      sql,
      params,
    );
    const byHour = new Map(rows.map((row) => [row.hour, row]));
    const hours: HourCounts[] = [];
    for (let at = Date.parse(range.from); at < Date.parse(range.to); at += HOUR_MS) {
      const hour = new Date(at).toISOString();
      const row = byHour.get(hour);
      const requests = row?.requests ?? 0;
      const clientErrors = row?.client_errors ?? 0;
      const serverErrors = row?.server_errors ?? 0;
      const errorRate = requests === 0 ? 0 : (clientErrors + serverErrors) / requests;
      hours.push({ hour, requests, clientErrors, serverErrors, errorRate });
    }
    return { from: range.from, to: range.to, bucket: 'hour', hours };
  }

  private timed<T extends object>(sql: string, params: unknown[]): Promise<T[]> {
    return timedQuery<T>(this.connection, this.durations.queryTimeoutMs, sql, params);
  }

  /** Every matching record, newest first, fetched EXPORT_CHUNK rows at a time (memory stays flat). */
  async *all(filter: AccessLogFilter): AsyncGenerator<AccessLogRecord> {
    let after = filter.after;
    for (;;) {
      const page = await this.page({ ...filter, after, limit: EXPORT_CHUNK });
      yield* page.items;
      if (!page.nextCursor) return;
      const last = page.items[page.items.length - 1];
      after = { time: last.time, id: last.id };
    }
  }
}
