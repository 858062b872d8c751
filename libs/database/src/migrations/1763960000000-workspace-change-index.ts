import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workspace index carries the change line, so a text search within one workspace reads the
 * workspace's index entries alone (an index-only scan) instead of one heap page per event: a
 * workspace's events are spread over the whole table, one or two to a page.
 */
export class WorkspaceChangeIndex1763960000000 implements MigrationInterface {
  name = 'WorkspaceChangeIndex1763960000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX audit_events_workspace_change_idx ON audit_events (workspace, occurred_at, seq) INCLUDE (change)`,
    );
    await runner.query(`DROP INDEX audit_events_workspace_idx`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX audit_events_workspace_idx ON audit_events (workspace, occurred_at, seq)`);
    await runner.query(`DROP INDEX audit_events_workspace_change_idx`);
  }
}
