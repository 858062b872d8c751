import { withDatabaseConnection, type DatabaseConnection } from '@meshtrail/database';
import type { AdminEnv } from './admin.env';

/** The same database port as the services, for one command; its sessions show as meshtrail-admin-cli. */
export function withAdminDatabase<T>(env: AdminEnv, work: (database: DatabaseConnection) => Promise<T>): Promise<T> {
  return withDatabaseConnection(
    { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX, applicationName: 'meshtrail-admin-cli' },
    work,
  );
}
