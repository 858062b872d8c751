import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ensureDatabase } from './ensure-database';
import { MIGRATIONS } from './migrations';
import { TypeOrmAppLogger } from './typeorm-logger';

/** Any fixed number; it only has to be the same in every process that migrates. */
const MIGRATION_LOCK_KEY = 7_281_930_001;

export interface MigrationReport {
  databaseCreated: boolean;
  applied: string[];
}

/**
 * TypeORM's migration runner, and nothing else of TypeORM: meshtrail has no entities, and the
 * services reach the database through DatabaseConnection's pool. Loaded here only, so a service
 * that never migrates never loads TypeORM.
 */
async function migrationDataSource(url: string): Promise<DataSource> {
  const { DataSource } = await import('typeorm');
  return new DataSource({
    type: 'postgres',
    url,
    applicationName: 'meshtrail-migrate',
    migrations: MIGRATIONS,
    migrationsTableName: 'meshtrail_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logger: new TypeOrmAppLogger(),
    logging: ['error', 'warn', 'migration'],
    extra: { max: 2, connectionTimeoutMillis: 3000 },
  });
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
    const dataSource = await migrationDataSource(url);
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
