import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A BRIN index on audit_event_ids(occurred_at), so retention's purge of the id registry reads
 * only the block ranges that may hold expired ids instead of the whole registry.
 *
 * BRIN because ids are registered in about occurred_at order: one small summary per range of
 * heap blocks suffices, and an insert at most widens its range's summary in place (the range
 * being appended to has none until autosummarize makes it, once the range is full), where a
 * B-tree would take an entry per id. Built in one read of the registry, during which inserts
 * wait: not concurrently, since a migrator waiting for the migration lock holds a snapshot that
 * a concurrent build would wait for in turn.
 */
export class RegistryTimeIndex1763990000100 implements MigrationInterface {
  name = 'RegistryTimeIndex1763990000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX audit_event_ids_occurred_at_brin ON audit_event_ids USING brin (occurred_at) WITH (autosummarize = on)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS audit_event_ids_occurred_at_brin`);
  }
}
