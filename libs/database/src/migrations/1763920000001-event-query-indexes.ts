import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the query API's case-insensitive filters on names (actor names and e-mails, object
 * names), beside the ones the event store was created with. Newest-first order within a name
 * comes from occurred_at, seq.
 */
export class EventQueryIndexes1763920000001 implements MigrationInterface {
  name = 'EventQueryIndexes1763920000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX audit_events_actor_name_idx ON audit_events (lower(actor_name), occurred_at, seq)`,
    );
    await runner.query(
      `CREATE INDEX audit_events_object_name_idx ON audit_events (lower(object_name), occurred_at, seq)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS audit_events_object_name_idx`);
    await runner.query(`DROP INDEX IF EXISTS audit_events_actor_name_idx`);
  }
}
