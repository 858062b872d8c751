import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints over the trail, and the purge requests retention leaves before it removes
 * events. Both are append-only like the trail itself (the same trigger refuses UPDATE). A
 * checkpoint keeps its leaf list (56 bytes per event): the root commits to it, and with it a
 * verifier names which event changed, not only that one did.
 */
export class TrailCheckpoints1763990000200 implements MigrationInterface {
  name = 'TrailCheckpoints1763990000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE audit_checkpoints (
        number        bigint      PRIMARY KEY,
        kind          text        NOT NULL CHECK (kind IN ('events', 'purge')),
        after_xact_id xid8        NOT NULL,
        after_seq     bigint      NOT NULL,
        first_xact_id xid8,
        first_seq     bigint,
        last_xact_id  xid8        NOT NULL,
        last_seq      bigint      NOT NULL,
        event_count   integer     NOT NULL,
        root          text        NOT NULL,
        previous      text,
        sealed_at     text        NOT NULL,
        key_id        text        NOT NULL,
        purge         jsonb,
        signature     text        NOT NULL,
        leaves        bytea       NOT NULL
      )`);
    await runner.query(`CREATE INDEX audit_checkpoints_last_idx ON audit_checkpoints (last_xact_id, last_seq)`);
    await runner.query(`
      CREATE TABLE audit_purge_requests (
        id           bigserial   PRIMARY KEY,
        store        text        NOT NULL,
        cutoff       timestamptz NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['audit_checkpoints', 'audit_purge_requests']) {
      await runner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION meshtrail_reject_update()`,
      );
    }
    // how far checkpoints have been published to Kafka (seq = the last published number)
    await runner.query(
      `INSERT INTO projection_positions (projection, xact_id, seq) VALUES ('audit_checkpoints_published', '0', 0)`,
    );
    await runner.query(`GRANT SELECT, INSERT ON audit_checkpoints TO meshtrail_ingest`);
    await runner.query(`GRANT SELECT ON audit_purge_requests TO meshtrail_ingest`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM projection_positions WHERE projection = 'audit_checkpoints_published'`);
    await runner.query(`DROP TABLE IF EXISTS audit_purge_requests, audit_checkpoints`);
  }
}
