import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A table retention prunes: the store whose recorded cutoff covers it, and the column that cutoff is compared with. */
interface GuardedTable {
  readonly table: string;
  readonly store: string;
  readonly timeColumn: string;
}

/** The tables migration 1763990000500 guards. */
const GUARDED_BEFORE: readonly GuardedTable[] = [
  { table: 'audit_events', store: 'audit_events', timeColumn: 'occurred_at' },
  { table: 'audit_event_search', store: 'audit_events', timeColumn: 'occurred_at' },
  { table: 'audit_event_ids', store: 'audit_events', timeColumn: 'occurred_at' },
  { table: 'auth_events', store: 'auth_events', timeColumn: 'occurred_at' },
  { table: 'access_logs', store: 'access_logs', timeColumn: 'requested_at' },
  { table: 'telemetry_transmissions', store: 'telemetry_transmissions', timeColumn: 'sent_at' },
];

const GUARDED: readonly GuardedTable[] = [
  ...GUARDED_BEFORE,
  { table: 'dead_letters', store: 'dead_letters', timeColumn: 'dead_lettered_at' },
];

/**
 * Dead letters come under retention: `meshtrail_retention` may delete them, like the other
 * stores, only below a cutoff it recorded first in `retention_purges` (store `dead_letters`,
 * compared with `dead_lettered_at`). The guard functions of migration 1763990000500 learn the
 * table (CREATE OR REPLACE keeps their owner and grants), and the table gets the statement
 * trigger. The owner (an operator deleting handled dead letters by hand) passes unchecked, as before.
 */
export class DeadLetterRetention1763990000700 implements MigrationInterface {
  name = 'DeadLetterRetention1763990000700';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of await guardFunctions(runner, GUARDED)) await runner.query(statement);
    await runner.query(`SELECT meshtrail_guard_store_tables()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER IF EXISTS meshtrail_recorded_delete ON dead_letters`);
    for (const statement of await guardFunctions(runner, GUARDED_BEFORE)) await runner.query(statement);
  }
}

/** The guard functions of migration 1763990000500, over the given tables. */
async function guardFunctions(runner: QueryRunner, guarded: readonly GuardedTable[]): Promise<string[]> {
  const [{ schema }] = (await runner.query(`SELECT current_schema() AS schema`)) as Array<{ schema: string }>;
  const path = `SET search_path = ${quoteIdent(schema)}, pg_temp`;
  const columns = [...new Set(guarded.map((g) => g.timeColumn))];
  const newest = columns
    .map(
      (column, i) =>
        `${i === 0 ? 'IF' : 'ELSIF'} TG_ARGV[1] = ${literal(column)} THEN
          SELECT max(${quoteIdent(column)}) INTO newest FROM removed;`,
    )
    .join('\n        ');
  const storeOf = guarded.map((g) => `WHEN ${literal(g.table)} THEN ${literal(g.store)}`).join('\n          ');
  const columnOf = guarded.map((g) => `WHEN ${literal(g.table)} THEN ${literal(g.timeColumn)}`).join(' ');
  const tables = guarded.map((g) => literal(g.table)).join(', ');
  return [
    `CREATE OR REPLACE FUNCTION meshtrail_retention_store(tbl text) RETURNS text
      LANGUAGE sql IMMUTABLE ${path} AS $fn$
        SELECT CASE tbl
          ${storeOf}
        END
      $fn$`,
    `CREATE OR REPLACE FUNCTION meshtrail_guard_delete() RETURNS trigger LANGUAGE plpgsql ${path} AS $fn$
      DECLARE
        newest timestamptz;
        cutoff timestamptz;
      BEGIN
        IF meshtrail_acts_as_owner(current_user, TG_RELID) THEN
          RETURN NULL;
        END IF;
        -- one query per column: a query naming a column the table lacks would not compile
        ${newest}
        END IF;
        IF newest IS NULL THEN
          RETURN NULL; -- nothing removed
        END IF;
        cutoff := meshtrail_recorded_cutoff(TG_ARGV[0]);
        IF cutoff IS NULL OR newest >= cutoff THEN
          RAISE EXCEPTION 'rows of % are removed only below a recorded retention cutoff (recorded: %, removing up to %)',
            TG_ARGV[0], cutoff, newest USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
      END
      $fn$`,
    `CREATE OR REPLACE FUNCTION meshtrail_guard_store_table(tbl regclass) RETURNS void LANGUAGE plpgsql ${path} AS $fn$
      DECLARE
        root text := coalesce(pg_partition_root(tbl), tbl)::regclass::text;
        store_name text := meshtrail_retention_store(root);
        time_column text := CASE root ${columnOf} END;
      BEGIN
        IF store_name IS NULL OR EXISTS (
          SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'meshtrail_recorded_delete'
        ) THEN
          RETURN;
        END IF;
        EXECUTE format('CREATE TRIGGER meshtrail_recorded_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS removed'
          ' FOR EACH STATEMENT EXECUTE FUNCTION meshtrail_guard_delete(%L, %L)', tbl, store_name, time_column);
      END
      $fn$`,
    `CREATE OR REPLACE FUNCTION meshtrail_guard_store_tables() RETURNS void LANGUAGE plpgsql ${path} AS $fn$
      BEGIN
        -- a table and every partition under it (pg_partition_tree lists nothing for a plain table)
        PERFORM meshtrail_guard_store_table(t.relid)
           FROM unnest(ARRAY[${tables}]) AS s(name),
                LATERAL (SELECT to_regclass(s.name) AS relid UNION SELECT relid FROM pg_partition_tree(to_regclass(s.name))) t
          WHERE t.relid IS NOT NULL;
      END
      $fn$`,
  ];
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
