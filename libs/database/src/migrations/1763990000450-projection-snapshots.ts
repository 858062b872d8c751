import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The projections' state as it was just before retention last purged audit events, with the
 * trail position it holds: a rebuild starts from it and replays only the events after it, so a
 * membership granted by a purged event survives the purge and the rebuild, and so do the counts.
 * One snapshot (the latest); its tables mirror the projections'.
 */
export class ProjectionSnapshots1763990000450 implements MigrationInterface {
  name = 'ProjectionSnapshots1763990000450';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE projection_snapshots (
        projection  text        PRIMARY KEY,
        xact_id     xid8        NOT NULL,
        seq         bigint      NOT NULL,
        taken_at    timestamptz NOT NULL,
        memberships bigint      NOT NULL,
        objects     bigint      NOT NULL
      )`);
    await runner.query(`CREATE TABLE projection_snapshot_memberships (LIKE workspace_memberships INCLUDING ALL)`);
    await runner.query(`CREATE TABLE projection_snapshot_live_objects (LIKE live_objects INCLUDING ALL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'DROP TABLE projection_snapshot_live_objects, projection_snapshot_memberships, projection_snapshots',
    );
  }
}
