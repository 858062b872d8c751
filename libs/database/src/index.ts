export { DatabaseConnection, withDatabaseConnection, type PoolUsage } from './database-connection';
export { DatabaseHealthIndicator } from './database-health.indicator';
export { DatabaseModule } from './database.module';
export type { DatabaseModuleOptions, DatabaseSettings } from './database.options';
export { parseDatabaseUrl, withDatabase } from './database-url';
export { ensureDatabase, dropDatabase } from './ensure-database';
export { migrateDatabase, type MigrationReport } from './migrate';
export { rowsOf, type SqlQueries, type SqlSession, type WithSession } from './sql';
export { inTransaction, type StatementSession } from './transaction';
export { provisionServiceRoles, type RolesReport } from './roles/provision-roles';
export {
  SERVICE_NAMES,
  SERVICE_ROLES,
  TRAIL_WRITER_ROLE,
  serviceDatabaseUrl,
  serviceLogins,
  serviceRole,
  type ServiceLogin,
  type ServiceName,
  type ServiceRole,
} from './roles/service-roles';
