/** Anything that runs statements on one database session (a pg client, checked out or not). */
export interface StatementSession {
  query(text: string): Promise<unknown>;
}

/**
 * Runs `work` in a transaction on the session: committed when it resolves, rolled back when it
 * throws (the rollback's own failure, e.g. on a broken connection, does not hide the cause).
 */
export async function inTransaction<T>(session: StatementSession, work: () => Promise<T>): Promise<T> {
  await session.query('BEGIN');
  try {
    const result = await work();
    await session.query('COMMIT');
    return result;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
