import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys for machines (a SIEM pulling events). Only a SHA-256 hash of each key's secret is
 * stored; a revoked key stays listed with who revoked it and when.
 */
export class ApiKeys1763920000000 implements MigrationInterface {
  name = 'ApiKeys1763920000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        admin boolean NOT NULL DEFAULT false,
        workspaces text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        revoked_at timestamptz,
        revoked_by text,
        last_used_at timestamptz,
        CONSTRAINT api_keys_scoped CHECK (admin OR cardinality(workspaces) > 0)
      )
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS api_keys');
  }
}
