import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys expire, and managing keys is a scope of its own: `admin` now reads every workspace
 * (read-only), `manage_keys` creates and revokes keys. Keys made before this migration keep
 * their reading scope, lose key management (a key that needs it is made anew) and expire 90
 * days from now instead of never. `created_by_id` names the creating principal's id (the
 * `created_by` name stays for people).
 */
export class ApiKeyScopesExpiry1763990000400 implements MigrationInterface {
  name = 'ApiKeyScopesExpiry1763990000400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE api_keys
      ADD COLUMN manage_keys boolean NOT NULL DEFAULT false,
      ADD COLUMN expires_at timestamptz,
      ADD COLUMN created_by_id text`);
    await runner.query(`UPDATE api_keys SET expires_at = now() + interval '90 days', created_by_id = created_by`);
    await runner.query(`ALTER TABLE api_keys
      ALTER COLUMN expires_at SET NOT NULL,
      ALTER COLUMN created_by_id SET NOT NULL,
      ADD CONSTRAINT api_keys_expire_after_creation CHECK (expires_at > created_at),
      DROP CONSTRAINT api_keys_scoped,
      ADD CONSTRAINT api_keys_scoped CHECK (admin OR manage_keys OR cardinality(workspaces) > 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE api_keys
      DROP CONSTRAINT api_keys_scoped,
      DROP CONSTRAINT api_keys_expire_after_creation,
      DROP COLUMN manage_keys, DROP COLUMN expires_at, DROP COLUMN created_by_id`);
    await runner.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_scoped CHECK (admin OR cardinality(workspaces) > 0)`,
    );
  }
}
