import type { DatabaseConnection, SqlSession } from '@meshtrail/database';

/** Any fixed number, the same in every replica; different from the migration lock's. */
const ENFORCEMENT_LOCK_KEY = 7_281_930_017;

/**
 * One enforcement at a time across replicas: a session-level advisory lock, held on one pooled
 * session for the whole run, which does its work on that session (`held`). If the process dies,
 * the connection drops and PostgreSQL releases the lock. When another replica holds it, `busy`
 * answers instead. A failed unlock fails the call, so the session is closed, not pooled with the lock.
 */
export function withEnforcementLock<T>(
  database: DatabaseConnection,
  held: (sql: SqlSession) => Promise<T>,
  busy: () => T,
): Promise<T> {
  return database.withClient(async (sql) => {
    const { rows } = await sql.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      ENFORCEMENT_LOCK_KEY,
    ]);
    if (!rows[0].locked) return busy();
    try {
      return await held(sql);
    } finally {
      await sql.query('SELECT pg_advisory_unlock($1)', [ENFORCEMENT_LOCK_KEY]);
    }
  });
}
