import type { Logger as TypeOrmLogger } from 'typeorm';
import { AppLogger } from '@meshtrail/observability';

/**
 * TypeORM's log calls in our format. Query parameters are never logged: they carry principals,
 * e-mail addresses and other personal data.
 */
export class TypeOrmAppLogger implements TypeOrmLogger {
  private readonly logger = new AppLogger('typeorm');

  logQuery(query: string): void {
    this.logger.trace('Query', { query });
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger.warn('Query Failed', { query, error: typeof error === 'string' ? error : error.message });
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn('Slow Query', { query, durationMs: time });
  }
  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }
  logMigration(message: string): void {
    this.logger.info('Migration', { detail: message });
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}
