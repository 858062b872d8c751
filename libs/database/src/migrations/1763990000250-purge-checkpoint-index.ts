import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which purge requests a checkpoint has signed, looked up by request: the sealer asks on every
 * pass which requests are still unsealed, and checkpoints grow by one a minute.
 */
export class PurgeCheckpointIndex1763990000250 implements MigrationInterface {
  name = 'PurgeCheckpointIndex1763990000250';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX audit_checkpoints_purge_request_idx ON audit_checkpoints (((purge->>'request')::bigint)) WHERE kind = 'purge'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS audit_checkpoints_purge_request_idx');
  }
}
