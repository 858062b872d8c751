import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * meshtrail_ensure_monthly_partitions locks the parent table before it moves parked rows out of
 * the default partition. Before, a row committed into the default partition between the copy and
 * the delete was deleted without having been copied: lost, from the audit trail too.
 */
export class PartitionMoveLock1763990000260 implements MigrationInterface {
  name = 'PartitionMoveLock1763990000260';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(ensureMonthlyPartitions(true));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(ensureMonthlyPartitions(false));
  }
}

function ensureMonthlyPartitions(lockFirst: boolean): string {
  // creating a partition beside a default one takes ACCESS EXCLUSIVE on the parent anyway: taking
  // it first, before the copy, keeps writers out of the default partition until the move is done
  const lock = lockFirst ? `EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', parent_table);` : '';
  return `
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
            ${lock}
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
  `;
}
