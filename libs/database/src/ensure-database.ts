import { Client, escapeIdentifier } from 'pg';
import { parseDatabaseUrl } from './database-url';

/**
 * Creates the database DATABASE_URL names when it does not exist yet. Identifiers cannot be bound
 * as parameters: the name is validated by parseDatabaseUrl and quoted with escapeIdentifier.
 */
export async function ensureDatabase(url: string, options: { template?: string } = {}): Promise<boolean> {
  const { database, maintenanceUrl } = parseDatabaseUrl(url);
  const client = new Client({ connectionString: maintenanceUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    const template = options.template ? ` TEMPLATE ${escapeIdentifier(options.template)}` : '';
    try {
      await client.query(`CREATE DATABASE ${escapeIdentifier(database)}${template}`);
    } catch (error) {
      // another process created it between our check and our CREATE: duplicate_database, or
      // unique_violation on pg_database when both CREATEs ran at the same instant
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

/** Drops a database, disconnecting its sessions first (test teardown). */
export async function dropDatabase(url: string): Promise<void> {
  const { database, maintenanceUrl } = parseDatabaseUrl(url);
  const client = new Client({ connectionString: maintenanceUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
