import { Injectable } from '@nestjs/common';
import type { ComponentHealth, HealthIndicator } from '@meshtrail/observability';
import { DatabaseConnection } from './database-connection';

const VALIDATION_QUERY = 'SELECT 1 AS result';

/** Spring Boot's DataSourceHealthIndicator, reproduced: a validation query through the pool. */
@Injectable()
export class DatabaseHealthIndicator implements HealthIndicator {
  readonly name = 'db';

  constructor(private readonly connection: DatabaseConnection) {}

  async check(): Promise<ComponentHealth> {
    try {
      const rows = await this.connection.query<{ result: number }>(VALIDATION_QUERY);
      return {
        status: 'UP',
        details: { database: 'PostgreSQL', result: rows[0]?.result, validationQuery: 'SELECT 1' },
      };
    } catch (error) {
      return { status: 'DOWN', details: { database: 'PostgreSQL', error: (error as Error).message } };
    }
  }
}
