import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PartitionMoveLock1763990000260 } from './1763990000260-partition-move-lock';

/**
 * What the services' own roles (see roles/service-roles.ts) need from the owner, and nothing more.
 *
 * - Creating a month's partition needs the parent's ownership: the partition helper becomes a
 *   SECURITY DEFINER function owned by the owner, limited to meshtrail's partitioned tables and a
 *   bounded span, and it gives each new partition its parent's grants (grants on a parent do not
 *   reach a partition that is read or deleted from by name).
 * - Removing data leaves a record first: `retention_purges` (append-only, who and when) names a
 *   store and the cutoff below which its rows may go; for the trail, the record is the
 *   `audit_purge_requests` row the sealer signs. A statement-level trigger on each store and
 *   each of its partitions refuses a DELETE that removed a row its store has no such record for,
 *   unless the table's owner (or a superuser) deletes.
 * - Detaching, renaming and dropping a partition, and (de)summarizing a BRIN range, need the
 *   table's ownership: SECURITY DEFINER functions do it for a partition wholly below its store's
 *   recorded cutoff only.
 *
 * EXECUTE on these functions is taken from PUBLIC; `admin-cli setup` grants it per role.
 */
export class LeastPrivilege1763990000500 implements MigrationInterface {
  name = 'LeastPrivilege1763990000500';

  async up(runner: QueryRunner): Promise<void> {
    const [{ schema }] = (await runner.query(`SELECT current_schema() AS schema`)) as Array<{ schema: string }>;
    // SECURITY DEFINER functions resolve names in this schema only (pg_temp last: no temporary
    // table can stand in for one of ours)
    const path = `SET search_path = ${quoteIdent(schema)}, pg_temp`;

    await runner.query(`
      CREATE TABLE retention_purges (
        id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        store       text        NOT NULL,
        cutoff      timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        recorded_by text        NOT NULL DEFAULT session_user
      )`);
    await runner.query(`CREATE INDEX retention_purges_store_idx ON retention_purges (store, cutoff)`);
    await runner.query(
      `CREATE TRIGGER retention_purges_append_only BEFORE UPDATE ON retention_purges FOR EACH ROW EXECUTE FUNCTION meshtrail_reject_update()`,
    );

    // the store whose retention covers a table, or NULL for a table retention never prunes
    await runner.query(`
      CREATE FUNCTION meshtrail_retention_store(tbl text) RETURNS text
      LANGUAGE sql IMMUTABLE ${path} AS $fn$
        SELECT CASE tbl
          WHEN 'audit_events' THEN 'audit_events'
          WHEN 'audit_event_search' THEN 'audit_events'
          WHEN 'audit_event_ids' THEN 'audit_events'
          WHEN 'auth_events' THEN 'auth_events'
          WHEN 'access_logs' THEN 'access_logs'
          WHEN 'telemetry_transmissions' THEN 'telemetry_transmissions'
        END
      $fn$`);
    // the latest cutoff recorded for a store: the signed purge requests for the trail
    await runner.query(`
      CREATE FUNCTION meshtrail_recorded_cutoff(store_name text) RETURNS timestamptz
      LANGUAGE sql STABLE ${path} AS $fn$
        SELECT CASE WHEN store_name = 'audit_events'
          THEN (SELECT max(cutoff) FROM audit_purge_requests WHERE store = 'audit_events')
          ELSE (SELECT max(cutoff) FROM retention_purges WHERE store = store_name)
        END
      $fn$`);
    // the owner (migrations, moving rows into a new partition) and superusers pass unchecked
    await runner.query(`
      CREATE FUNCTION meshtrail_acts_as_owner(who name, tbl regclass) RETURNS boolean
      LANGUAGE sql STABLE ${path} AS $fn$
        SELECT pg_has_role(who, (SELECT relowner FROM pg_class WHERE oid = tbl), 'USAGE')
      $fn$`);

    // Once per statement, over the rows it removed (a transition table: a per-row trigger cost
    // twenty times the DELETE itself). Raising aborts the statement, so the rows stay.
    await runner.query(`
      CREATE FUNCTION meshtrail_guard_delete() RETURNS trigger LANGUAGE plpgsql ${path} AS $fn$
      DECLARE
        newest timestamptz;
        cutoff timestamptz;
      BEGIN
        IF meshtrail_acts_as_owner(current_user, TG_RELID) THEN
          RETURN NULL;
        END IF;
        -- one query per column: a query naming a column the table lacks would not compile
        IF TG_ARGV[1] = 'occurred_at' THEN
          SELECT max(occurred_at) INTO newest FROM removed;
        ELSIF TG_ARGV[1] = 'requested_at' THEN
          SELECT max(requested_at) INTO newest FROM removed;
        ELSIF TG_ARGV[1] = 'sent_at' THEN
          SELECT max(sent_at) INTO newest FROM removed;
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
      $fn$`);
    // A statement-level trigger fires for the table the statement names: the store, and each of
    // its partitions (retention deletes from a partition by name), each get one.
    await runner.query(`
      CREATE FUNCTION meshtrail_guard_store_table(tbl regclass) RETURNS void LANGUAGE plpgsql ${path} AS $fn$
      DECLARE
        root text := coalesce(pg_partition_root(tbl), tbl)::regclass::text;
        store_name text := meshtrail_retention_store(root);
        time_column text := CASE root WHEN 'access_logs' THEN 'requested_at' WHEN 'telemetry_transmissions' THEN 'sent_at'
                                      ELSE 'occurred_at' END;
      BEGIN
        IF store_name IS NULL OR EXISTS (
          SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'meshtrail_recorded_delete'
        ) THEN
          RETURN;
        END IF;
        EXECUTE format('CREATE TRIGGER meshtrail_recorded_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS removed'
          ' FOR EACH STATEMENT EXECUTE FUNCTION meshtrail_guard_delete(%L, %L)', tbl, store_name, time_column);
      END
      $fn$`);
    await runner.query(`
      CREATE FUNCTION meshtrail_guard_store_tables() RETURNS void LANGUAGE plpgsql ${path} AS $fn$
      BEGIN
        -- a table and every partition under it (pg_partition_tree lists nothing for a plain table)
        PERFORM meshtrail_guard_store_table(t.relid)
           FROM unnest(ARRAY['audit_events', 'audit_event_search', 'audit_event_ids', 'auth_events', 'access_logs',
                             'telemetry_transmissions']) AS s(name),
                LATERAL (SELECT to_regclass(s.name) AS relid UNION SELECT relid FROM pg_partition_tree(to_regclass(s.name))) t
          WHERE t.relid IS NOT NULL;
      END
      $fn$`);

    await runner.query(`
      CREATE OR REPLACE FUNCTION meshtrail_ensure_monthly_partitions(parent_table text, from_month date, months integer)
      RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER ${path} AS $fn$
      DECLARE
        created integer := 0;
        month_start date;
        month_end date;
        partition_name text;
        default_name text := parent_table || '_default';
        partition_key text;
        grant_row record;
      BEGIN
        -- a range-partitioned table of this schema, nothing else
        IF NOT EXISTS (
          SELECT 1 FROM pg_class c JOIN pg_partitioned_table p ON p.partrelid = c.oid
           WHERE c.oid = to_regclass(parent_table) AND p.partstrat = 'r' AND c.relnamespace = ${literal(schema)}::regnamespace
        ) THEN
          RAISE EXCEPTION '% is not a partitioned meshtrail table', parent_table USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF months < 0 OR months > 120 THEN
          RAISE EXCEPTION 'months must be between 0 and 120 (got %)', months USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT pg_get_partkeydef(parent_table::regclass) INTO partition_key;
        -- "RANGE (occurred_at)" -> occurred_at
        partition_key := substring(partition_key from '\\((.*)\\)');
        FOR i IN 0 .. months - 1 LOOP
          month_start := (date_trunc('month', from_month) + make_interval(months => i))::date;
          month_end := (month_start + interval '1 month')::date;
          partition_name := parent_table || '_' || to_char(month_start, 'YYYYMM');
          IF to_regclass(partition_name) IS NULL THEN
            IF to_regclass(default_name) IS NOT NULL THEN
              -- as migration 1763990000260 has it: writers wait until the move is done, so a row
              -- committed into the default partition between the copy and the delete is not lost
              EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', parent_table);
              -- rows of that month parked in the default partition move into the new partition
              EXECUTE format('CREATE TEMP TABLE meshtrail_moving ON COMMIT DROP AS SELECT * FROM %I WHERE %s >= %L AND %s < %L',
                default_name, partition_key, month_start, partition_key, month_end);
              EXECUTE format('DELETE FROM %I WHERE %s >= %L AND %s < %L', default_name, partition_key, month_start, partition_key, month_end);
              EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', partition_name, parent_table, month_start, month_end);
              EXECUTE format('INSERT INTO %I SELECT * FROM pg_temp.meshtrail_moving', partition_name);
              DROP TABLE pg_temp.meshtrail_moving;
            ELSE
              EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', partition_name, parent_table, month_start, month_end);
            END IF;
            -- the parent's grants, which do not reach a partition named directly
            FOR grant_row IN
              SELECT a.privilege_type, a.grantee::regrole::text AS grantee
                FROM pg_class c, aclexplode(c.relacl) a
               WHERE c.oid = parent_table::regclass AND a.grantee <> 0 AND a.grantee <> c.relowner
            LOOP
              EXECUTE format('GRANT %s ON %I TO %s', grant_row.privilege_type, partition_name, grant_row.grantee);
            END LOOP;
            PERFORM meshtrail_guard_store_table(partition_name::regclass);
            created := created + 1;
          END IF;
        END LOOP;
        RETURN created;
      END
      $fn$`);

    // a partition's upper bound (NULL for the default partition or a MAXVALUE bound)
    await runner.query(`
      CREATE FUNCTION meshtrail_partition_upper_bound(part regclass) RETURNS timestamptz
      LANGUAGE sql STABLE ${path} AS $fn$
        SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), $re$TO \\('([^']*)'\\)$re$))[1]::timestamptz
          FROM pg_class c WHERE c.oid = part
      $fn$`);

    await runner.query(`
      CREATE FUNCTION meshtrail_detach_expired_partition(parent_table text, partition_name text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER ${path} AS $fn$
      DECLARE
        store_name text := meshtrail_retention_store(parent_table);
        upper_bound timestamptz;
        cutoff timestamptz;
      BEGIN
        IF store_name IS NULL OR to_regclass(partition_name) IS NULL OR NOT EXISTS (
          SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(partition_name) AND inhparent = to_regclass(parent_table)
        ) THEN
          RAISE EXCEPTION '% is not a partition of a store retention prunes', partition_name
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        upper_bound := meshtrail_partition_upper_bound(to_regclass(partition_name));
        cutoff := meshtrail_recorded_cutoff(store_name);
        IF NOT meshtrail_acts_as_owner(session_user, to_regclass(parent_table))
           AND (upper_bound IS NULL OR cutoff IS NULL OR upper_bound > cutoff) THEN
          RAISE EXCEPTION '% ends at %, after the cutoff recorded for % (%)', partition_name, upper_bound, store_name, cutoff
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent_table, partition_name);
        EXECUTE format('ALTER TABLE %I RENAME TO %I', partition_name, partition_name || '_detached');
      END
      $fn$`);

    // only a table the detach left behind: named <store table>_YYYYMM_detached, its month past the cutoff
    await runner.query(`
      CREATE FUNCTION meshtrail_drop_detached_partition(relation text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER ${path} AS $fn$
      DECLARE
        parts text[] := regexp_match(relation, '^([a-z_]+)_([0-9]{6})_detached$');
        store_name text := meshtrail_retention_store(parts[1]);
        month_end timestamptz;
        cutoff timestamptz;
      BEGIN
        IF parts IS NULL OR store_name IS NULL OR NOT EXISTS (
          SELECT 1 FROM pg_class c
           WHERE c.oid = to_regclass(relation) AND c.relkind = 'r' AND NOT c.relispartition
             AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid OR i.inhparent = c.oid)
        ) THEN
          RAISE EXCEPTION '% is not a detached partition of a store retention prunes', relation
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        month_end := (to_date(parts[2], 'YYYYMM') + interval '1 month')::timestamp AT TIME ZONE 'UTC';
        cutoff := meshtrail_recorded_cutoff(store_name);
        IF NOT meshtrail_acts_as_owner(session_user, to_regclass(relation)) AND (cutoff IS NULL OR month_end > cutoff) THEN
          RAISE EXCEPTION '% holds a month after the cutoff recorded for % (%)', relation, store_name, cutoff
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        EXECUTE format('DROP TABLE %I', relation);
      END
      $fn$`);

    // BRIN maintenance on a pruned table's indexes (PostgreSQL requires the table's owner)
    await runner.query(`
      CREATE FUNCTION meshtrail_brin_index_of_store(idx regclass) RETURNS void
      LANGUAGE plpgsql STABLE ${path} AS $fn$
      BEGIN
        IF NOT EXISTS (
          SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
            JOIN pg_am a ON a.oid = x.relam
           WHERE i.indexrelid = idx AND a.amname = 'brin' AND meshtrail_retention_store(t.relname) IS NOT NULL
        ) THEN
          RAISE EXCEPTION '% is not a BRIN index of a store retention prunes', idx USING ERRCODE = 'insufficient_privilege';
        END IF;
      END
      $fn$`);
    await runner.query(`
      CREATE FUNCTION meshtrail_brin_summarize_new_values(idx regclass) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER ${path} AS $fn$
      BEGIN
        PERFORM meshtrail_brin_index_of_store(idx);
        RETURN brin_summarize_new_values(idx);
      END
      $fn$`);
    await runner.query(`
      CREATE FUNCTION meshtrail_brin_desummarize_range(idx regclass, block bigint) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER ${path} AS $fn$
      BEGIN
        PERFORM meshtrail_brin_index_of_store(idx);
        PERFORM brin_desummarize_range(idx, block);
      END
      $fn$`);

    await runner.query(`SELECT meshtrail_guard_store_tables()`);
    for (const signature of PRIVILEGED_FUNCTIONS) {
      await runner.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    // the partition helper as the previous migration left it, callable by anyone again
    await new PartitionMoveLock1763990000260().up(runner);
    await runner.query(`GRANT EXECUTE ON FUNCTION meshtrail_ensure_monthly_partitions(text, date, integer) TO PUBLIC`);
    for (const signature of PRIVILEGED_FUNCTIONS.filter((s) => !s.startsWith('meshtrail_ensure_monthly_partitions'))) {
      await runner.query(`DROP FUNCTION IF EXISTS ${signature}`);
    }
    await runner.query(`
      DO $$
      DECLARE t regclass;
      BEGIN
        FOR t IN SELECT tgrelid::regclass FROM pg_trigger WHERE tgname = 'meshtrail_recorded_delete' LOOP
          EXECUTE format('DROP TRIGGER meshtrail_recorded_delete ON %s', t);
        END LOOP;
      END
      $$`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_guard_store_tables()`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_guard_store_table(regclass)`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_guard_delete()`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_brin_index_of_store(regclass)`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_partition_upper_bound(regclass)`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_acts_as_owner(name, regclass)`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_recorded_cutoff(text)`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_retention_store(text)`);
    await runner.query(`DROP TABLE IF EXISTS retention_purges`);
  }
}

/** The functions that act with the owner's rights; a role may call one only when granted. */
export const PRIVILEGED_FUNCTIONS = [
  'meshtrail_ensure_monthly_partitions(text, date, integer)',
  'meshtrail_guard_store_table(regclass)',
  'meshtrail_guard_store_tables()',
  'meshtrail_detach_expired_partition(text, text)',
  'meshtrail_drop_detached_partition(text)',
  'meshtrail_brin_summarize_new_values(regclass)',
  'meshtrail_brin_desummarize_range(regclass, bigint)',
];

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
