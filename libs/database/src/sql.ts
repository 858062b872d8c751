import type { ClientBase, QueryResultRow } from 'pg';

/** Parameterised statements that return their rows: the port itself, or one session through rowsOf. */
export interface SqlQueries {
  query<T extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * One database session, lent by DatabaseConnection.withClient: what needs every statement on the
 * same connection (transactions, COPY, cursors, advisory locks, SET LOCAL ROLE).
 */
export type SqlSession = ClientBase;

/** Lends a session to `work` for its duration (DatabaseConnection.withClient has this shape). */
export type WithSession = <T>(work: (session: SqlSession) => Promise<T>) => Promise<T>;

/** A session seen as SqlQueries, for stores that run on the port and inside a transaction alike. */
export function rowsOf(session: SqlSession): SqlQueries {
  return {
    query: async <T extends QueryResultRow>(sql: string, params?: unknown[]) =>
      (await session.query<T>(sql, params)).rows,
  };
}
