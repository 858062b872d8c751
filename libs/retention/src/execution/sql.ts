import { escapeIdentifier, type QueryResult, type QueryResultRow } from 'pg';

export { inTransaction } from '@meshtrail/database';

/**
 * One database session (a pg Client, or a client checked out of a pool): transactions and
 * session settings need every statement on the same connection.
 */
export interface SqlClient {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A table or column name checked against a strict pattern, then quoted (identifiers cannot be parameters). */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing the SQL identifier ${JSON.stringify(name)}`);
  return escapeIdentifier(name);
}

/** Lends a database session to `work` for its duration (a pool client, returned afterwards). */
export type WithSession = <T>(work: (sql: SqlClient) => Promise<T>) => Promise<T>;

/** Sessions from a pg Pool: one client per call, released when the work settles. */
export function poolSessions(pool: {
  connect(): Promise<SqlClient & { release(error?: Error | boolean): void }>;
}): WithSession {
  return async (work) => {
    const client = await pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };
}

/** The one session of a command-line tool. */
export function singleSession(sql: SqlClient): WithSession {
  return (work) => work(sql);
}
