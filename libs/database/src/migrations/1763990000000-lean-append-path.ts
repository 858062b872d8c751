import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The read indexes that leave the hot table for the read model (see up()). */
const READ_INDEXES = [
  ['audit_events_time_idx', '(occurred_at, seq)'],
  ['audit_events_workspace_change_idx', '(workspace, occurred_at, seq) INCLUDE (change)'],
  ['audit_events_object_type_idx', '(object_type, action, occurred_at, seq)'],
  ['audit_events_actor_idx', '(actor_id, occurred_at)'],
  ['audit_events_object_idx', '(object_id, occurred_at)'],
  ['audit_events_actor_name_idx', '(lower(actor_name), occurred_at, seq)'],
  ['audit_events_object_name_idx', '(lower(object_name), occurred_at, seq)'],
  ['audit_events_change_trgm_idx', 'USING gin (lower(change) gin_trgm_ops)'],
] as const;

/**
 * A lean append path without a global write lock.
 *
 * audit_events, the system of record, keeps only what exactly-once and the commit-order feed
 * need: its primary key and (xact_id, seq). xact_id is the writing transaction's id; a reader that
 * reads only below the oldest transaction still in flight (pg_snapshot_xmin) in (xact_id, seq)
 * order never skips a row that commits late, so writers no longer take turns.
 *
 * The query API reads audit_event_search, a monthly-partitioned copy of every column it shows
 * (all but the raw event), carrying the read indexes the hot table used to carry. The projector in
 * audit-ingest fills it in commit order, together with the membership and object projections,
 * and records how far it got in projection_positions, in the same transaction.
 */
export class LeanAppendPath1763990000000 implements MigrationInterface {
  name = 'LeanAppendPath1763990000000';

  async up(runner: QueryRunner): Promise<void> {
    // rows stored before this migration share xact_id 0 and keep their seq order (no table rewrite)
    await runner.query(`ALTER TABLE audit_events ADD COLUMN xact_id xid8 NOT NULL DEFAULT '0'`);
    await runner.query(`ALTER TABLE audit_events ALTER COLUMN xact_id SET DEFAULT pg_current_xact_id()`);
    await runner.query(`CREATE INDEX audit_events_commit_order_idx ON audit_events (xact_id, seq)`);

    await runner.query(`
      CREATE TABLE audit_event_search (
        seq             bigint      NOT NULL,
        xact_id         xid8        NOT NULL,
        id              text        NOT NULL,
        occurred_at     timestamptz NOT NULL,
        ingested_at     timestamptz NOT NULL,
        source          text        NOT NULL,
        type            text        NOT NULL,
        subject         text,
        object_type     text        NOT NULL,
        object_id       text        NOT NULL,
        object_name     text,
        action          text        NOT NULL,
        workspace       text,
        actor_kind      text        NOT NULL,
        actor_id        text        NOT NULL,
        actor_name      text,
        change          text        NOT NULL,
        changes         jsonb       NOT NULL,
        source_ip       text,
        correlation_id  text,
        hash            text        NOT NULL
      ) PARTITION BY RANGE (occurred_at)`);
    await runner.query(`CREATE TABLE audit_event_search_default PARTITION OF audit_event_search DEFAULT`);
    // a month for every month the event store has
    await runner.query(`
      SELECT meshtrail_ensure_monthly_partitions('audit_event_search', to_date(right(c.relname, 6), 'YYYYMM'), 1)
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'audit_events'::regclass AND c.relname ~ '^audit_events_[0-9]{6}$'`);
    await runner.query(`
      INSERT INTO audit_event_search
      SELECT seq, xact_id, id, occurred_at, ingested_at, source, type, subject, object_type, object_id, object_name,
             action, workspace, actor_kind, actor_id, actor_name, change, changes, source_ip, correlation_id, hash
      FROM audit_events`);
    // built once over the copied rows, not maintained row by row during the copy
    for (const [name, definition] of READ_INDEXES) {
      await runner.query(`DROP INDEX IF EXISTS ${name}`);
      const searchName = name.replace(/^audit_events_/, 'audit_event_search_');
      await runner.query(`CREATE INDEX ${searchName} ON audit_event_search ${definition}`);
    }

    await runner.query(`
      CREATE TABLE projection_positions (
        projection   text        PRIMARY KEY,
        xact_id      xid8        NOT NULL,
        seq          bigint      NOT NULL,
        projected_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      INSERT INTO projection_positions (projection, xact_id, seq)
      SELECT 'audit_events', '0', coalesce(max(seq), 0) FROM audit_events`);

    await runner.query(`GRANT SELECT, INSERT ON audit_event_search TO meshtrail_ingest`);
    await runner.query(`GRANT SELECT, UPDATE ON projection_positions TO meshtrail_ingest`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS projection_positions, audit_event_search`);
    await runner.query(`DROP INDEX IF EXISTS audit_events_commit_order_idx`);
    await runner.query(`ALTER TABLE audit_events DROP COLUMN IF EXISTS xact_id`);
    for (const [name, definition] of READ_INDEXES) {
      await runner.query(`CREATE INDEX ${name} ON audit_events ${definition}`);
    }
  }
}
