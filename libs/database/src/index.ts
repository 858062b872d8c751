export { createDataSource, dataSourceOptions, type DatabaseSettings } from './data-source.factory';
export { DatabaseConnection, poolOf } from './database-connection';
export { DatabaseHealthIndicator } from './database-health.indicator';
export { DatabaseModule } from './database.module';
export type { DatabaseModuleOptions } from './database.options';
export { parseDatabaseUrl, withDatabase } from './database-url';
export { ensureDatabase, dropDatabase } from './ensure-database';
export { migrateDatabase, type MigrationReport } from './migrate';
export { inTransaction, type StatementSession } from './transaction';
