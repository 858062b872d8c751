import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workspace-name projection, folded by the trail projector from Workspace events: each
 * workspace's current name (the latest created/updated objectName; kept, and marked, when it is
 * deleted), and every name it held, so that a former name still finds it. `name_key` is the name
 * as it is matched (outer blanks off, letter case folded; workspaceNameKey in libs/audit-store).
 * Like the other projections, retention's snapshot keeps a copy before it purges the trail.
 * Existing installations fill it from the stored events with `admin-cli rebuild-projections`.
 */
export class WorkspaceNames1763990000600 implements MigrationInterface {
  name = 'WorkspaceNames1763990000600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE workspace_names (
        workspace text    PRIMARY KEY,
        name      text,
        name_key  text,
        deleted   boolean NOT NULL DEFAULT false
      )`);
    await runner.query(
      `CREATE INDEX workspace_names_name_key_idx ON workspace_names (name_key COLLATE "C", workspace)`,
    );
    await runner.query(`
      CREATE TABLE workspace_name_history (
        name_key  text NOT NULL,
        workspace text NOT NULL,
        name      text NOT NULL,
        PRIMARY KEY (name_key, workspace)
      )`);
    await runner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON workspace_names, workspace_name_history TO meshtrail_ingest`,
    );
    await runner.query(`CREATE TABLE projection_snapshot_workspace_names (LIKE workspace_names INCLUDING ALL)`);
    await runner.query(
      `CREATE TABLE projection_snapshot_workspace_name_history (LIKE workspace_name_history INCLUDING ALL)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP TABLE projection_snapshot_workspace_name_history, projection_snapshot_workspace_names,
         workspace_name_history, workspace_names`,
    );
  }
}
