import { Injectable } from '@nestjs/common';
import type { ComponentHealth, HealthIndicator } from '@meshtrail/observability';
import { DatabaseConnection } from './database-connection';

const VALIDATION_QUERY = 'SELECT 1 AS result';

/**
 * Spring Boot's DataSourceHealthIndicator, reproduced: a validation query, through the reserved
 * pool so a busy main pool cannot make the probe time out; the main pool's use is in the details.
 */
@Injectable()
export class DatabaseHealthIndicator implements HealthIndicator {
  readonly name = 'db';

  constructor(private readonly connection: DatabaseConnection) {}

  async check(): Promise<ComponentHealth> {
    try {
      const rows = await this.connection.reserved().query<{ result: number }>(VALIDATION_QUERY);
      return {
        status: 'UP',
        details: {
          database: 'PostgreSQL',
          result: rows[0]?.result,
          validationQuery: 'SELECT 1',
          pool: this.connection.usage(),
        },
      };
    } catch (error) {
      return { status: 'DOWN', details: { database: 'PostgreSQL', error: (error as Error).message } };
    }
  }
}
