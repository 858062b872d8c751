import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The telemetry relay's transmission log: one row per outbound request (and per batch dropped
 * unsent), with what and how much, never the payload. Monthly partitions, so retention drops
 * whole months; the relay creates upcoming months as it runs.
 */
export class TelemetryTransmissions1763940000000 implements MigrationInterface {
  name = 'TelemetryTransmissions1763940000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SEQUENCE telemetry_transmissions_id_seq AS bigint`);
    await runner.query(`
      CREATE TABLE telemetry_transmissions (
        id bigint NOT NULL DEFAULT nextval('telemetry_transmissions_id_seq'),
        sent_at timestamptz NOT NULL,
        category text NOT NULL,
        destination text NOT NULL,
        items integer NOT NULL,
        bytes integer NOT NULL,
        result text NOT NULL CHECK (result IN ('delivered', 'rejected', 'failed', 'dropped')),
        status_code integer,
        error text,
        duration_ms integer NOT NULL,
        PRIMARY KEY (sent_at, id)
      ) PARTITION BY RANGE (sent_at)`);
    await runner.query(`ALTER SEQUENCE telemetry_transmissions_id_seq OWNED BY telemetry_transmissions.id`);
    await runner.query(`CREATE TABLE telemetry_transmissions_default PARTITION OF telemetry_transmissions DEFAULT`);
    await runner.query(
      `CREATE INDEX telemetry_transmissions_category_time ON telemetry_transmissions (category, sent_at)`,
    );
    await runner.query(`SELECT meshtrail_ensure_monthly_partitions('telemetry_transmissions', now()::date, 3)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS telemetry_transmissions`);
  }
}
