import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The partition helper every time-series table uses: creates the monthly partitions of a
 * range-partitioned table (named <table>_YYYYMM) for a span of months, skipping existing ones.
 * Rows that already sit in the default partition for such a month are moved into the new one.
 */
export class MonthlyPartitions1763900000000 implements MigrationInterface {
  name = 'MonthlyPartitions1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE OR REPLACE FUNCTION meshtrail_ensure_monthly_partitions(parent_table text, from_month date, months integer)
      RETURNS integer
      LANGUAGE plpgsql AS $fn$
      DECLARE
        created integer := 0;
        month_start date;
        month_end date;
        partition_name text;
        default_name text := parent_table || '_default';
        partition_key text;
      BEGIN
        SELECT pg_get_partkeydef(parent_table::regclass) INTO partition_key;
        -- "RANGE (occurred_at)" -> occurred_at
        partition_key := substring(partition_key from '\\((.*)\\)');
        FOR i IN 0 .. months - 1 LOOP
          month_start := (date_trunc('month', from_month) + make_interval(months => i))::date;
          month_end := (month_start + interval '1 month')::date;
          partition_name := parent_table || '_' || to_char(month_start, 'YYYYMM');
          IF to_regclass(partition_name) IS NULL THEN
            IF to_regclass(default_name) IS NOT NULL THEN
              -- rows of that month parked in the default partition move into the new partition
              EXECUTE format('CREATE TEMP TABLE meshtrail_moving ON COMMIT DROP AS SELECT * FROM %I WHERE %s >= %L AND %s < %L',
                default_name, partition_key, month_start, partition_key, month_end);
              EXECUTE format('DELETE FROM %I WHERE %s >= %L AND %s < %L', default_name, partition_key, month_start, partition_key, month_end);
              EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', partition_name, parent_table, month_start, month_end);
              EXECUTE format('INSERT INTO %I SELECT * FROM meshtrail_moving', partition_name);
              DROP TABLE meshtrail_moving;
            ELSE
              EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', partition_name, parent_table, month_start, month_end);
            END IF;
            created := created + 1;
          END IF;
        END LOOP;
        RETURN created;
      END
      $fn$;
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP FUNCTION IF EXISTS meshtrail_ensure_monthly_partitions(text, date, integer)');
  }
}
