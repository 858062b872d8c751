import { Client } from 'pg';
import { createDataSource } from './data-source.factory';
import { ensureDatabase } from './ensure-database';

/** Any fixed number; it only has to be the same in every process that migrates. */
const MIGRATION_LOCK_KEY = 7_281_930_001;

export interface MigrationReport {
  databaseCreated: boolean;
  applied: string[];
}

/**
 * Creates the database when missing and applies pending migrations. An advisory lock makes
 * concurrent migrators (several pods, a job and a developer) take turns instead of racing.
 */
export async function migrateDatabase(url: string): Promise<MigrationReport> {
  const databaseCreated = await ensureDatabase(url);
  const lock = new Client({
    connectionString: url,
    connectionTimeoutMillis: 5000,
    application_name: 'meshtrail-migrate',
  });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const dataSource = createDataSource({ url, poolMax: 2, applicationName: 'meshtrail-migrate' });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return { databaseCreated, applied: applied.map((m) => m.name) };
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}
