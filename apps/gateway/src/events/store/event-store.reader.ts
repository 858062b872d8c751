import { Injectable } from '@nestjs/common';
import QueryStream from 'pg-query-stream';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { readTrailAfter, type TrailPage, type TrailPosition as CommitPosition } from '@meshtrail/audit-store';
import { ApiError } from '@meshtrail/auth';
import { DatabaseConnection, type SqlQueries } from '@meshtrail/database';
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
  EVENT_COLUMNS,
  EXPORT_COLUMNS,
  countQuery,
  exportQuery,
  fanOutWorkspaces,
  pageQuery,
  searchesWorkspaceIndex,
  STORE_OLDEST_QUERY,
  searchesText,
  windowSampleQuery,
  workspaceTextPageQuery,
  windowedSearchQuery,
  type ReadScope,
  type SqlQuery,
} from './event-sql';
import { authDailyCountQuery, dailyCountQuery, type DailyCountRow } from './event-stats-sql';
import { keepsTooManyPlans, QUERY_CANCELED, RequestStatements } from './request-statements';
import { spanSearchFor, type EarlierMonths, type WindowSample } from './span-search';

/** The month an instant falls in. */
function monthOf(instant: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
  return { start, end: new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)) };
}

/** How long the store's oldest event time is reused (see storeOldest). */
const STORE_OLDEST_TTL_MS = 60_000;

/** [start, end) in whole months, as its newer and its older half (one span when it is one month). */
function splitMonths(start: Date, end: Date): Array<{ start: Date; end: Date }> {
  const months = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
  if (months < 2) return [{ start, end }];
  const middle = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - Math.ceil(months / 2), 1));
  return [
    { start: middle, end },
    { start, end: middle },
  ];
}

export interface ReaderSettings {
  /** Upper bound for a page, count or single-event request, all its statements together. */
  statementTimeoutMs: number;
  /** An export whose client reads nothing for this long is ended (it holds a connection). */
  exportIdleTimeoutMs: number;
  /** Upper bound of each statement of an export (PostgreSQL's statement_timeout). */
  exportStatementTimeoutMs: number;
  /** Rows fetched per round trip while exporting. */
  exportBatchSize: number;
  /** How many of the newest candidate events a text search looks through before asking the trigram index. */
  textSearchWindow: number;
  /** How many committed events a scoped feed request looks through at most for the caller's workspaces. */
  feedScanRows: number;
}

export const READER_SETTINGS = Symbol('READER_SETTINGS');

/**
 * Reads the event store: pages, counts and single events under a statement timeout; exports in a
 * read-only snapshot through a server-side cursor, so memory stays constant however many rows match.
 */
@Injectable()
export class EventStoreReader {
  private oldest?: { askedAt: number; value: Promise<Date | undefined> };

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
    const deadline = this.requestDeadline();
    const [audit, auth] = await Promise.all([
      auditEventsApply(filter) ? this.auditPage(deadline, filter, scope, limit, positions.audit) : Promise.resolve([]),
      authEventsApply(filter, scope)
        ? this.readOnly(deadline, (db) => db.rows<EventRow>(authPageQuery(filter, limit, positions.auth)))
        : Promise.resolve([]),
    ]);
    return mergePages(audit, auth, trailPositionOf, limit + 1);
  }

  private async auditPage(
    deadline: number,
    filter: EventFilter,
    scope: ReadScope,
    limit: number,
    after?: CursorPosition,
  ): Promise<EventRow[]> {
    if (searchesWorkspaceIndex(filter, scope)) {
      return this.readOnly(deadline, (db) => db.rows<EventRow>(workspaceTextPageQuery(filter, scope, limit, after)));
    }
    if (!searchesText(filter) || (fanOutWorkspaces(filter, scope)?.length ?? 0) > 1) {
      return this.readOnly(deadline, (db) => db.rows<EventRow>(pageQuery(filter, scope, limit, after)));
    }
    const newest = await this.readOnly(deadline, (db) => this.searchNewest(db, filter, scope, limit, after));
    if (!newest.earlier) return newest.page;
    const wanted = limit + 1 - newest.page.length;
    return [...newest.page, ...(await this.searchMonths(deadline, filter, wanted, newest.earlier))];
  }

  /**
   * A text search among the newest events: the window of the newest candidates (events matching
   * all but the text), then, for a text too rare to fill the page there, the newest candidate's
   * month through the trigram index or the change lines (spanSearchFor). Tells what is left to
   * search when the page is not full yet.
   */
  private async searchNewest(
    db: RequestStatements,
    filter: EventFilter,
    scope: ReadScope,
    limit: number,
    after: CursorPosition | undefined,
  ): Promise<{ page: EventRow[]; earlier?: EarlierMonths }> {
    const window = this.settings.textSearchWindow;
    const found = await db.rows<EventRow>(windowedSearchQuery(filter, scope, limit, after, window));
    if (found.length > limit) return { page: found };
    const sample = await db.rows<WindowSample>(windowSampleQuery(filter, scope, after, window));
    // fewer candidates than the window: it saw them all
    if (sample.length < window) return { page: found };
    const search = spanSearchFor(filter, scope, after, sample);
    const month = monthOf(new Date(sample[0].occurred_ms));
    const page = await db.rows<EventRow>(search(month, limit + 1));
    if (page.length > limit || (filter.from && filter.from >= month.start)) return { page };
    return { page, earlier: { search, end: month.start } };
  }

  /**
   * The months before the newest, searched at once (a rare text is as likely to be found nowhere
   * as anywhere): the newer and the older half each on its own connection, in trail order. The
   * store's oldest event only balances the halves; the older one is open below, so a stale guess
   * costs speed, never a row.
   */
  private async searchMonths(
    deadline: number,
    filter: EventFilter,
    wanted: number,
    { search, end }: EarlierMonths,
  ): Promise<EventRow[]> {
    const oldest = await this.storeOldest();
    const from = filter.from && (!oldest || filter.from > oldest) ? filter.from : oldest;
    const spans: Array<{ start?: Date; end: Date }> =
      from && from < end ? splitMonths(monthOf(from).start, end) : [{ end }];
    spans[spans.length - 1] = { end: spans[spans.length - 1].end };
    const halves = await Promise.all(
      spans.map((span) => this.readOnly(deadline, (db) => db.rows<EventRow>(search(span, wanted)))),
    );
    return halves.flat().slice(0, wanted);
  }

  /**
   * When the store's oldest event happened, remembered for a minute: asking costs an index probe
   * per month partition, more than a rare text search's other steps, and it moves only when
   * retention deletes a month.
   */
  private storeOldest(): Promise<Date | undefined> {
    const now = Date.now();
    if (!this.oldest || now - this.oldest.askedAt > STORE_OLDEST_TTL_MS) {
      // its own deadline: the answer is shared by the requests of the next minute
      const value = this.readOnly(this.requestDeadline(), (db) =>
        db.rows<{ oldest: Date | null }>(STORE_OLDEST_QUERY),
      ).then(([row]) => row?.oldest ?? undefined);
      this.oldest = { askedAt: now, value };
      // a failed ask is not remembered
      value.catch(() => {
        if (this.oldest?.value === value) this.oldest = undefined;
      });
    }
    return this.oldest.value;
  }

  /** The trail after `after`, in commit order, gap-free (readTrailAfter), from the event store itself. */
  async feed(after: CommitPosition | undefined, limit: number, scope: ReadScope): Promise<TrailPage<EventRow>> {
    return this.readOnly(this.requestDeadline(), (db) =>
      readTrailAfter<EventRow>(preparedStatements(db), after, limit, scope, {
        columns: EVENT_COLUMNS,
        scanRows: this.settings.feedScanRows,
      }),
    );
  }

  async count(filter: EventFilter, scope: ReadScope): Promise<number> {
    const deadline = this.requestDeadline();
    const total = async (query: SqlQuery) =>
      Number((await this.readOnly(deadline, (db) => db.rows<{ total: string }>(query)))[0].total);
    const [audit, auth] = await Promise.all([
      auditEventsApply(filter) ? total(countQuery(filter, scope)) : 0,
      authEventsApply(filter, scope) ? total(authCountQuery(filter)) : 0,
    ]);
    return audit + auth;
  }

  /** Matching events per UTC day and action: audit events, and for admins Keycloak's auth events (as pages have them). */
  async dailyCounts(filter: EventFilter, scope: ReadScope): Promise<DailyCountRow[]> {
    const deadline = this.requestDeadline();
    const rows = (query: SqlQuery) => this.readOnly(deadline, (db) => db.rows<DailyCountRow>(query));
    const [audit, auth] = await Promise.all([
      auditEventsApply(filter) ? rows(dailyCountQuery(filter, scope)) : [],
      authEventsApply(filter, scope) ? rows(authDailyCountQuery(filter)) : [],
    ]);
    return [...audit, ...auth];
  }

  /** One event of the trail; auth events (ids `keycloak-...`) only for admins. */
  async byId(id: string, scope: ReadScope): Promise<EventRow | undefined> {
    const auth = authByIdQuery(id);
    if (auth && !scope.all) return undefined;
    const [row] = await this.readOnly(this.requestDeadline(), (db) => db.rows<EventRow>(auth ?? byIdQuery(id, scope)));
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

  /**
   * One export query as a row stream on its own connection, in a read-only snapshot. The
   * connection is lent until the stream ends (then committed and pooled again) or fails or is
   * abandoned (then closed: it is half-read).
   */
  private stream(query: SqlQuery): Promise<Readable> {
    return new Promise((resolve, reject) => {
      this.connection
        .withClient(async (client) => {
          await client.query(
            `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ` +
              `SET LOCAL statement_timeout = ${Math.trunc(this.settings.exportStatementTimeoutMs)}; ` +
              `SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(this.settings.exportIdleTimeoutMs)}`,
          );
          // rows as arrays of texts in EXPORT_COLUMNS order: nothing to parse but strings
          const rows = client.query(
            new QueryStream(query.text, query.values, { batchSize: this.settings.exportBatchSize, rowMode: 'array' }),
          );
          resolve(rows);
          await finished(rows);
          await client.query('COMMIT');
        })
        .catch(reject);
    });
  }

  /**
   * Lends a pooled connection to one request's statements, each under what is left of the
   * request's time (`deadline`, from requestDeadline).
   */
  private async readOnly<T>(deadline: number, work: (db: RequestStatements) => Promise<T>): Promise<T> {
    try {
      return await this.connection.withClient(
        async (client) => {
          const db = new RequestStatements(client, deadline, this.settings.statementTimeoutMs);
          const result = await work(db);
          await db.restoreTimeout();
          return result;
        },
        { closeIf: keepsTooManyPlans },
      );
    } catch (error) {
      if ((error as { code?: string }).code === QUERY_CANCELED) throw this.timedOut();
      throw error;
    }
  }

  /** When a request that starts now must be answered: QUERY_TIMEOUT_MS bounds it as a whole. */
  private requestDeadline(): number {
    return Date.now() + this.settings.statementTimeoutMs;
  }

  /** A query stopped by the statement timeout: the caller learns which limit, and how to stay under it. */
  private timedOut(): ApiError {
    const ms = Math.trunc(this.settings.statementTimeoutMs);
    return new ApiError(
      503,
      'QUERY.TIMEOUT',
      `the query ran longer than ${ms} ms (QUERY_TIMEOUT_MS) and was stopped; narrow it with a time range (from, to) or more filters`,
      { timeoutMs: ms },
    );
  }
}

/**
 * A request's statements, each prepared: the feed's statements read the commit-order index
 * whatever the position, so a generic plan spares planning every month partition on each poll.
 */
function preparedStatements(db: RequestStatements): SqlQueries {
  return { query: (text, values = []) => db.rows({ text, values, prepared: true }) };
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
