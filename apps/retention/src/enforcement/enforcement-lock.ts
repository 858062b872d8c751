import { Client } from 'pg';

/** Any fixed number, the same in every replica; different from the migration lock's. */
const ENFORCEMENT_LOCK_KEY = 7_281_930_017;

/** The session that holds the enforcement lock, and on which the run does its work. */
export interface HeldEnforcementLock {
  readonly sql: Client;
  release(): Promise<void>;
}

/**
 * One enforcement at a time across replicas: a session-level advisory lock on a dedicated
 * connection, held for the whole run. If the process dies, the connection drops and PostgreSQL
 * releases the lock. Undefined when another replica holds it.
 */
export async function tryEnforcementLock(databaseUrl: string): Promise<HeldEnforcementLock | undefined> {
  const sql = new Client({
    connectionString: databaseUrl,
    application_name: 'meshtrail-retention-run',
    connectionTimeoutMillis: 5000,
    keepAlive: true,
  });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      ENFORCEMENT_LOCK_KEY,
    ]);
    if (!rows[0].locked) {
      await sql.end();
      return undefined;
    }
  } catch (error) {
    await sql.end().catch(() => undefined);
    throw error;
  }
  return {
    sql,
    release: async () => {
      await sql.query('SELECT pg_advisory_unlock($1)', [ENFORCEMENT_LOCK_KEY]).catch(() => undefined);
      await sql.end().catch(() => undefined);
    },
  };
}
