import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { Readable } from 'node:stream';
import { DatabaseConnection } from '@meshtrail/database';
import type { CursorPosition } from '../query/cursor';
import type { EventFilter } from '../query/event-filter';
import type { EventRow } from './event-row';
import {
  auditEventsApply,
  authByIdQuery,
  authCountQuery,
  authEventsApply,
  authExportQuery,
  authPageQuery,
} from './auth-event-sql';
import { mergePages, mergeStreams, tablePositions, type TrailPosition } from './trail-order';
import {
  byIdQuery,
  EXPORT_COLUMNS,
  countQuery,
  exportQuery,
  fanOutWorkspaces,
  pageQuery,
  searchesText,
  spanSearchQuery,
  STORE_SPAN_QUERY,
  windowCountQuery,
  windowedSearchQuery,
  type ReadScope,
  type SqlQuery,
} from './event-sql';

/** The month an instant falls in. */
function monthOf(instant: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
  return { start, end: new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)) };
}

/** The instant of a cursor position (to the millisecond, rounded up: the cursor condition itself is exact). */
function cursorTime(after: CursorPosition): Date {
  return new Date(Number(BigInt(after.occurredUs) / 1000n) + 1);
}

function minDate(...dates: Array<Date | undefined>): Date {
  return new Date(Math.min(...dates.filter((d): d is Date => d !== undefined).map((d) => d.getTime())));
}

export interface ReaderSettings {
  /** Upper bound for a page, count or single-event query. */
  statementTimeoutMs: number;
  /** An export whose client reads nothing for this long is ended (it holds a connection). */
  exportIdleTimeoutMs: number;
  /** Rows fetched per round trip while exporting. */
  exportBatchSize: number;
  /** How many of the newest candidate events a text search looks through before asking the trigram index. */
  textSearchWindow: number;
}

export const READER_SETTINGS = Symbol('READER_SETTINGS');

/**
 * Reads the event store: pages, counts and single events under a statement timeout; exports in a
 * read-only snapshot through a server-side cursor, so memory stays constant however many rows match.
 */
@Injectable()
export class EventStoreReader {
  /** Pooled connections whose session already carries the statement timeout. */
  private readonly timed = new WeakSet<PoolClient>();

  constructor(
    private readonly connection: DatabaseConnection,
    private readonly settings: ReaderSettings,
  ) {}

  /**
   * A page of the trail: audit events, and for admins Keycloak's auth events, merged in trail
   * order (each table gives its own newest rows after the cursor).
   */
  async page(filter: EventFilter, scope: ReadScope, limit: number, after?: CursorPosition): Promise<EventRow[]> {
    const positions = tablePositions(after);
    const [audit, auth] = await Promise.all([
      auditEventsApply(filter) ? this.auditPage(filter, scope, limit, positions.audit) : Promise.resolve([]),
      authEventsApply(filter, scope)
        ? this.readOnly((client) => rows<EventRow>(client, authPageQuery(filter, limit, positions.auth)))
        : Promise.resolve([]),
    ]);
    return mergePages(audit, auth, trailPositionOf, limit + 1);
  }

  private async auditPage(
    filter: EventFilter,
    scope: ReadScope,
    limit: number,
    after?: CursorPosition,
  ): Promise<EventRow[]> {
    if (!searchesText(filter) || (fanOutWorkspaces(filter, scope)?.length ?? 0) > 1) {
      return this.readOnly((client) => rows<EventRow>(client, pageQuery(filter, scope, limit, after)));
    }
    return this.readOnly(async (client) => {
      const found = await rows<EventRow>(
        client,
        windowedSearchQuery(filter, scope, limit, after, this.settings.textSearchWindow),
      );
      if (found.length > limit) return found;
      // fewer candidates (events matching all but the text) than the window: it saw them all
      const [{ candidates }] = await rows<{ candidates: number }>(
        client,
        windowCountQuery(filter, scope, after, this.settings.textSearchWindow),
      );
      if (candidates < this.settings.textSearchWindow) return found;
      // a rarer text: the trigram index over spans of 1, 2, 4, ... months, newest first, until the
      // page (and one more row) is full; a page ends early, a text found nowhere costs few queries
      const [span] = await rows<{ oldest: Date | null; newest: Date | null }>(client, STORE_SPAN_QUERY);
      if (!span.oldest || !span.newest) return [];
      const page: EventRow[] = [];
      const lower = filter.from && filter.from > span.oldest ? filter.from : span.oldest;
      let end = monthOf(minDate(span.newest, filter.to, after ? cursorTime(after) : undefined)).end;
      for (let months = 1; end > lower && page.length <= limit; months *= 2) {
        const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - months, 1));
        const spanned = { start, end };
        page.push(
          ...(await rows<EventRow>(client, spanSearchQuery(filter, scope, limit + 1 - page.length, after, spanned))),
        );
        end = start;
      }
      return page;
    });
  }

  async count(filter: EventFilter, scope: ReadScope): Promise<number> {
    const total = async (query: SqlQuery) =>
      Number((await this.readOnly((c) => rows<{ total: string }>(c, query)))[0].total);
    const [audit, auth] = await Promise.all([
      auditEventsApply(filter) ? total(countQuery(filter, scope)) : 0,
      authEventsApply(filter, scope) ? total(authCountQuery(filter)) : 0,
    ]);
    return audit + auth;
  }

  /** One event of the trail; auth events (ids `keycloak-...`) only for admins. */
  async byId(id: string, scope: ReadScope): Promise<EventRow | undefined> {
    const auth = authByIdQuery(id);
    if (auth && !scope.all) return undefined;
    const [row] = await this.readOnly((client) => rows<EventRow>(client, auth ?? byIdQuery(id, scope)));
    return row;
  }

  /**
   * Every matching row, newest first, as an object stream with backpressure: the cursor fetches
   * the next batch only when the consumer has read the last one. The connection is released
   * when the stream ends, fails or is destroyed (a client that went away).
   */
  async export(filter: EventFilter, scope: ReadScope): Promise<Readable> {
    const withAudit = auditEventsApply(filter);
    const withAuth = authEventsApply(filter, scope);
    if (withAudit && !withAuth) return this.stream(exportQuery(filter, scope));
    if (withAuth && !withAudit) return this.stream(authExportQuery(filter));
    if (!withAudit) return Readable.from([]);
    const audit = await this.stream(exportQuery(filter, scope));
    try {
      return mergeStreams<ExportRow>(audit, await this.stream(authExportQuery(filter)), exportPositionOf);
    } catch (error) {
      audit.destroy();
      throw error;
    }
  }

  /** One export query as a row stream on its own connection, in a read-only snapshot. */
  private async stream(query: SqlQuery): Promise<Readable> {
    const client = await this.client();
    try {
      await client.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = 0; ` +
          `SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(this.settings.exportIdleTimeoutMs)}`,
      );
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    // rows as arrays of texts in EXPORT_COLUMNS order: nothing to parse but strings
    const stream = client.query(
      new QueryStream(query.text, query.values, { batchSize: this.settings.exportBatchSize, rowMode: 'array' }),
    );
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      if (error) {
        client.release(error); // a broken or half-read connection is discarded, not reused
        return;
      }
      client.query('COMMIT').then(
        () => client.release(),
        (commitError: Error) => client.release(commitError),
      );
    };
    stream.once('end', () => release());
    stream.once('error', (error) => release(error));
    stream.once('close', () => release(stream.readableEnded ? undefined : new Error('export abandoned')));
    return stream;
  }

  /**
   * Runs one query shape under the statement timeout. The timeout is set once per pooled
   * connection (a session setting), so a page costs one round trip, not a transaction's four.
   */
  private async readOnly<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.client();
    try {
      if (!this.timed.has(client)) {
        // a validated integer from the configuration, not input
        await client.query(`SET statement_timeout = ${Math.trunc(this.settings.statementTimeoutMs)}`);
        this.timed.add(client);
      }
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }

  private async client(): Promise<PoolClient> {
    return (await this.connection.pool()).connect();
  }
}

/** An export row: the texts of EXPORT_COLUMNS, then occurred_us and seq. */
type ExportRow = Array<string | null>;
const KIND_COLUMN = EXPORT_COLUMNS.findIndex(([name]) => name === 'kind');

function exportPositionOf(row: ExportRow): TrailPosition {
  const n = EXPORT_COLUMNS.length;
  return { occurredUs: row[n]!, seq: row[n + 1]!, kind: row[KIND_COLUMN] === 'auth' ? 'auth' : 'audit' };
}

function trailPositionOf(row: EventRow): TrailPosition {
  return { occurredUs: row.occurred_us, seq: row.seq, kind: row.kind };
}

async function rows<T>(client: PoolClient, query: SqlQuery): Promise<T[]> {
  return (await client.query(query.text, query.values)).rows as T[];
}
