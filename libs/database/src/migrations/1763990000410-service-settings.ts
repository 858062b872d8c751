import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The settings audit's memory: each service's effective non-secret settings as last recorded at
 * its start. A start with other settings publishes the difference as a ServiceSettings audit
 * event (the trail keeps the history; this table only the latest).
 */
export class ServiceSettings1763990000410 implements MigrationInterface {
  name = 'ServiceSettings1763990000410';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE service_settings (
        service     text        PRIMARY KEY CHECK (length(service) BETWEEN 1 AND 100),
        settings    jsonb       NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS service_settings');
  }
}
