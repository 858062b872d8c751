/** Anything that runs statements on one database session (a pg client, checked out or not). */
export interface StatementSession {
  query(text: string): Promise<unknown>;
}

/**
 * Runs `work` in a transaction on the session: committed when it resolves, rolled back when it
 * throws (the rollback's own failure, e.g. on a broken connection, does not hide the cause).
 * `begin` opens it: BEGIN, or BEGIN followed by what every such transaction starts with, in one
 * message (`BEGIN; SET LOCAL ROLE …`: one round trip instead of two). When a statement after
 * BEGIN in it fails, the transaction is rolled back like any other failure.
 */
export async function inTransaction<T>(session: StatementSession, work: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
  try {
    await session.query(begin);
    const result = await work();
    await session.query('COMMIT');
    return result;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
