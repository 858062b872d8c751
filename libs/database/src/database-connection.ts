import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { AppLogger } from '@meshtrail/observability';
import { createDataSource } from './data-source.factory';
import { DATABASE_OPTIONS, type DatabaseModuleOptions } from './database.options';

/**
 * Owns the service's TypeORM DataSource. A database that is down at start does not stop the
 * service: the connection is retried on demand, and health reports DOWN until it succeeds.
 */
@Injectable()
export class DatabaseConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new AppLogger('Database');
  readonly dataSource: DataSource;
  private connecting?: Promise<DataSource>;

  constructor(@Inject(DATABASE_OPTIONS) options: DatabaseModuleOptions) {
    this.dataSource = createDataSource(options);
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.ready();
    } catch (error) {
      this.logger.warn('Database Unavailable At Start', { error: (error as Error).message });
    }
  }

  /** The initialised DataSource; connects first when needed (one attempt shared by all callers). */
  ready(): Promise<DataSource> {
    if (this.dataSource.isInitialized) return Promise.resolve(this.dataSource);
    this.connecting ??= this.dataSource
      .initialize()
      .then((ds) => {
        this.logger.info('Database Connected');
        return ds;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  /**
   * Runs `work` on one pooled pg connection (for transactions, COPY and set-based SQL that
   * TypeORM does not model), and gives it back; a broken connection is dropped by the pool.
   */
  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const runner = (await this.ready()).createQueryRunner();
    try {
      return await work((await runner.connect()) as PoolClient);
    } finally {
      await runner.release();
    }
  }

  /**
   * The pg pool beneath the DataSource, for plain parameterised SQL (rows back for every
   * statement, unlike DataSource.query with UPDATE ... RETURNING) and server-side cursors.
   */
  async pool(): Promise<Pool> {
    return poolOf(await this.ready());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The pg pool of an initialised postgres DataSource. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
