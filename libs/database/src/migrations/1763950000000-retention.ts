import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention's own tables: legal holds (a workspace's data kept beyond every policy until
 * released; released holds stay as history) and the record of every retention run, real or dry.
 */
export class Retention1763950000000 implements MigrationInterface {
  name = 'Retention1763950000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE legal_holds (
        id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace        text        NOT NULL,
        reason           text        NOT NULL,
        placed_by_kind   text        NOT NULL,
        placed_by_id     text        NOT NULL,
        placed_by_name   text        NOT NULL,
        placed_at        timestamptz NOT NULL,
        released_by_kind text,
        released_by_id   text,
        released_by_name text,
        released_at      timestamptz,
        release_reason   text,
        CHECK ((released_at IS NULL) = (released_by_id IS NULL))
      )`);
    // at most one hold in force per workspace; retention looks them up by workspace
    await runner.query(
      `CREATE UNIQUE INDEX legal_holds_active_idx ON legal_holds (workspace) WHERE released_at IS NULL`,
    );

    await runner.query(`
      CREATE TABLE retention_runs (
        id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id            uuid        NOT NULL UNIQUE,
        trigger           text        NOT NULL CHECK (trigger IN ('schedule', 'demand')),
        scheduled_for     timestamptz,
        dry_run           boolean     NOT NULL,
        requested_by_kind text,
        requested_by_id   text,
        requested_by_name text,
        started_at        timestamptz NOT NULL,
        finished_at       timestamptz NOT NULL,
        status            text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
        rows_deleted      bigint      NOT NULL,
        partitions_dropped integer    NOT NULL,
        outcomes          jsonb       NOT NULL,
        error             text,
        CHECK ((trigger = 'schedule') = (scheduled_for IS NOT NULL))
      )`);
    // one run per scheduled slot, whichever replica gets there first
    await runner.query(
      `CREATE UNIQUE INDEX retention_runs_slot_idx ON retention_runs (scheduled_for) WHERE trigger = 'schedule'`,
    );
    await runner.query(`CREATE INDEX retention_runs_finished_idx ON retention_runs (finished_at DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS retention_runs, legal_holds`);
  }
}
