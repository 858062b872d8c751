import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseConnection } from './database-connection';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { DATABASE_OPTIONS, type DatabaseModuleOptions } from './database.options';

@Module({})
export class DatabaseModule {
  static register(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [{ provide: DATABASE_OPTIONS, useValue: options }, DatabaseConnection, DatabaseHealthIndicator],
      exports: [DatabaseConnection, DatabaseHealthIndicator],
    };
  }
}
