import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each service's database role sees and writes only the settings records it made itself: a row
 * carries the role that recorded it, and row-level security holds every service role to its own
 * rows. Before, any service role could rewrite another service's record, so that a later change
 * of that service's settings would be compared with a forged record (and a safeguard turned off
 * go unreported). The owner (migrations, admin-cli) is not held by the policy.
 *
 * Existing rows are given the role a service has by default (`meshtrail_` and its name); a
 * deployment whose roles are named otherwise records each service's settings once more, as new.
 */
export class ServiceSettingsOwnRows1763990000800 implements MigrationInterface {
  name = 'ServiceSettingsOwnRows1763990000800';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE service_settings ADD COLUMN recorded_by name`);
    await runner.query(`UPDATE service_settings SET recorded_by = 'meshtrail_' || replace(service, '-', '_')`);
    await runner.query(`ALTER TABLE service_settings ALTER COLUMN recorded_by SET DEFAULT current_user`);
    await runner.query(`ALTER TABLE service_settings ALTER COLUMN recorded_by SET NOT NULL`);
    await runner.query(`ALTER TABLE service_settings DROP CONSTRAINT service_settings_pkey`);
    await runner.query(`ALTER TABLE service_settings ADD PRIMARY KEY (service, recorded_by)`);
    await runner.query(`ALTER TABLE service_settings ENABLE ROW LEVEL SECURITY`);
    await runner.query(
      `CREATE POLICY service_settings_own_rows ON service_settings
         USING (recorded_by = current_user) WITH CHECK (recorded_by = current_user)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP POLICY IF EXISTS service_settings_own_rows ON service_settings`);
    await runner.query(`ALTER TABLE service_settings DISABLE ROW LEVEL SECURITY`);
    await runner.query(`ALTER TABLE service_settings DROP CONSTRAINT service_settings_pkey`);
    // one row per service again: the one its default role recorded (a row another role recorded
    // under its name may claim any time); failing that, the latest, ties broken by role
    await runner.query(
      `DELETE FROM service_settings s USING (
         SELECT service, recorded_by,
                row_number() OVER (
                  PARTITION BY service
                  ORDER BY recorded_by = 'meshtrail_' || replace(service, '-', '_') DESC, recorded_at DESC, recorded_by
                ) AS rank
         FROM service_settings) ranked
       WHERE s.service = ranked.service AND s.recorded_by = ranked.recorded_by AND ranked.rank > 1`,
    );
    await runner.query(`ALTER TABLE service_settings DROP COLUMN recorded_by`);
    await runner.query(`ALTER TABLE service_settings ADD PRIMARY KEY (service)`);
  }
}
