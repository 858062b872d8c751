import { Injectable } from '@nestjs/common';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { accessLogPageSql, encodeCursor, type AccessLogFilter } from './access-log-filter';

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
  constructor(private readonly connection: DatabaseConnection) {}

  async page(filter: AccessLogFilter): Promise<AccessLogPage> {
    const { sql, params } = accessLogPageSql(filter);
    const rows = await this.connection.query<AccessLogRow>(sql, params);
    const items = rows.slice(0, filter.limit).map(toRecord);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
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
