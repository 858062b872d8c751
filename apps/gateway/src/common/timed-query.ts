import { ApiError } from '@meshtrail/auth';
import type { DatabaseConnection } from '@meshtrail/database';

/** PostgreSQL's query_canceled: the statement timeout struck. */
const QUERY_CANCELED = '57014';

/**
 * One read statement, stopped by PostgreSQL after `timeoutMs` (QUERY_TIMEOUT_MS; a filter no
 * index narrows can scan months), then a 503 that names the limit and how to stay under it.
 */
export async function timedQuery<T extends object>(
  connection: DatabaseConnection,
  timeoutMs: number,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const ms = Math.trunc(timeoutMs);
  try {
    return await connection.transaction(async (session) => {
      await session.query(`SET LOCAL statement_timeout = ${ms}`);
      return (await session.query<T>(sql, params)).rows;
    });
  } catch (error) {
    if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
    throw new ApiError(
      503,
      'QUERY.TIMEOUT',
      `the query ran longer than ${ms} ms (QUERY_TIMEOUT_MS) and was stopped; narrow it with from/to or more filters`,
      { timeoutMs: ms },
    );
  }
}
