import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { TypeOrmAppLogger } from './typeorm-logger';

export interface DatabaseSettings {
  url: string;
  poolMax: number;
  /** Shows in pg_stat_activity, so an operator sees which service holds a connection. */
  applicationName: string;
}

export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    applicationName: settings.applicationName,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'meshtrail_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logger: new TypeOrmAppLogger(),
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: 2000,
    extra: {
      max: settings.poolMax,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30000,
      keepAlive: true,
    },
  };
}

export function createDataSource(settings: DatabaseSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
