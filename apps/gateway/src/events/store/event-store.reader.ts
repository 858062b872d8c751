import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { Readable } from 'node:stream';
import { DatabaseConnection } from '@meshtrail/database';
import type { CursorPosition } from '../query/cursor';
import type { EventFilter } from '../query/event-filter';
import type { EventRow } from './event-row';
import { byIdQuery, countQuery, exportQuery, pageQuery, type ReadScope, type SqlQuery } from './event-sql';

export interface ReaderSettings {
  /** Upper bound for a page, count or single-event query. */
  statementTimeoutMs: number;
  /** An export whose client reads nothing for this long is ended (it holds a connection). */
  exportIdleTimeoutMs: number;
  /** Rows fetched per round trip while exporting. */
  exportBatchSize: number;
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

  async page(filter: EventFilter, scope: ReadScope, limit: number, after?: CursorPosition): Promise<EventRow[]> {
    return this.readOnly((client) => rows<EventRow>(client, pageQuery(filter, scope, limit, after)));
  }

  async count(filter: EventFilter, scope: ReadScope): Promise<number> {
    const [row] = await this.readOnly((client) => rows<{ total: string }>(client, countQuery(filter, scope)));
    return Number(row.total);
  }

  async byId(id: string, scope: ReadScope): Promise<EventRow | undefined> {
    const [row] = await this.readOnly((client) => rows<EventRow>(client, byIdQuery(id, scope)));
    return row;
  }

  /**
   * Every matching row, newest first, as an object stream with backpressure: the cursor fetches
   * the next batch only when the consumer has read the last one. The connection is released
   * when the stream ends, fails or is destroyed (a client that went away).
   */
  async export(filter: EventFilter, scope: ReadScope, format: 'ndjson' | 'csv'): Promise<Readable> {
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
    const query = exportQuery(filter, scope, format);
    const stream = client.query(
      new QueryStream(query.text, query.values, {
        batchSize: this.settings.exportBatchSize,
        // CSV rows as arrays in column order; NDJSON rows carry one line built by PostgreSQL
        ...(format === 'csv' ? { rowMode: 'array' as const } : {}),
      }),
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

async function rows<T>(client: PoolClient, query: SqlQuery): Promise<T[]> {
  return (await client.query(query.text, query.values)).rows as T[];
}
