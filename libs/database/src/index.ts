export { DatabaseConnection, withDatabaseConnection, type PoolUsage } from './database-connection';
export { DatabaseHealthIndicator } from './database-health.indicator';
export { DatabaseModule } from './database.module';
export type { DatabaseModuleOptions, DatabaseSettings } from './database.options';
export { parseDatabaseUrl, withDatabase } from './database-url';
export { ensureDatabase, dropDatabase } from './ensure-database';
export { migrateDatabase, type MigrationReport } from './migrate';
export { rowsOf, type SqlQueries, type SqlSession, type WithSession } from './sql';
export { inTransaction, type StatementSession } from './transaction';
