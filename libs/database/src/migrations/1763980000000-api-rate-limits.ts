import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's rate-limit windows, one row per principal, shared by every gateway replica
 * (rate-limiter-flexible's Postgres store: its columns, in its order; the gateway never runs DDL).
 * Unlogged: a window lives for seconds, so losing the rows in a crash only resets the limits, and
 * the per-request upserts write no WAL.
 */
export class ApiRateLimits1763980000000 implements MigrationInterface {
  name = 'ApiRateLimits1763980000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE UNLOGGED TABLE api_rate_limits (
        key    text    PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS api_rate_limits`);
  }
}
