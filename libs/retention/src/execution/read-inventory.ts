import { notHeld } from '../legal-hold/hold-lock';
import type { PartitionFacts, StoreInventory } from '../planning/inventory';
import { copyAsStore, type RetentionTable } from '../registry/retention-tables';
import type { SqlSession } from '@meshtrail/database';
import { ident } from './sql';

interface TableRow extends Record<string, unknown> {
  relkind: string;
  partition_key: string | null;
}

interface PartitionRow extends Record<string, unknown> {
  name: string;
  is_default: boolean;
  range_from: Date | null;
  range_to: Date | null;
}

// Bounds are read back as timestamptz in SQL, so the session's DateStyle and time zone cannot
// change their meaning; MINVALUE and MAXVALUE do not match and become null (open ends).
const PARTITIONS_SQL = `
  SELECT c.relname AS name,
         pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default,
         (regexp_match(pg_get_expr(c.relpartbound, c.oid), $re$FROM \\('([^']*)'\\)$re$))[1]::timestamptz AS range_from,
         (regexp_match(pg_get_expr(c.relpartbound, c.oid), $re$TO \\('([^']*)'\\)$re$))[1]::timestamptz AS range_to
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = to_regclass($1)
   ORDER BY range_from NULLS FIRST, c.relname`;

const DETACHED_SQL = `
  SELECT c.relname AS name
    FROM pg_class c
   WHERE c.relkind = 'r' AND NOT c.relispartition
     AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass($1))
     AND starts_with(c.relname, $1 || '_') AND c.relname LIKE '%\\_detached'
   ORDER BY c.relname`;

/** The name a partition takes while it is detached and waits to be dropped. */
export function detachedName(partition: string): string {
  return `${partition}_detached`;
}

async function holdsHeldRows(sql: SqlSession, store: RetentionTable, partition: string): Promise<boolean> {
  const workspace = `t.${ident(store.workspaceColumn!)}`;
  const { rows } = await sql.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${ident(partition)} t WHERE NOT ${notHeld(workspace)}) AS held`,
  );
  return rows[0].held;
}

/**
 * Reads what the database holds of a store and of each of its copies: layout, partitions with
 * their bounds, and partitions left detached by an interrupted run. For partitions that ended
 * before `cutoff` it also looks up whether they hold rows of a held workspace (only when holds
 * exist).
 */
export async function readInventory(
  sql: SqlSession,
  store: RetentionTable,
  cutoff: Date,
  holdsExist: boolean,
): Promise<StoreInventory> {
  const own = await readTableInventory(sql, store, cutoff, holdsExist);
  if (own.layout === 'absent' || !store.copies?.length) return own;
  const copies: StoreInventory[] = [];
  for (const copy of store.copies) {
    copies.push(await readTableInventory(sql, copyAsStore(store, copy), cutoff, holdsExist));
  }
  return { ...own, copies };
}

async function readTableInventory(
  sql: SqlSession,
  store: RetentionTable,
  cutoff: Date,
  holdsExist: boolean,
): Promise<StoreInventory> {
  ident(store.table);
  const { rows: tables } = await sql.query<TableRow>(
    `SELECT c.relkind, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [store.table],
  );
  if (tables.length === 0) return { store, layout: 'absent', partitions: [], detached: [] };
  const detached = (await sql.query<{ name: string }>(DETACHED_SQL, [store.table])).rows.map((row) => row.name);
  if (tables[0].relkind !== 'p') return { store, layout: 'plain', partitions: [], detached };
  const expectedKey = `RANGE (${store.timeColumn})`;
  if (tables[0].partition_key !== expectedKey) {
    throw new Error(
      `${store.table} is partitioned by ${tables[0].partition_key}, but retention expects ${expectedKey}: fix the store registry`,
    );
  }
  const { rows } = await sql.query<PartitionRow>(PARTITIONS_SQL, [store.table]);
  const partitions: PartitionFacts[] = [];
  for (const row of rows) {
    const facts: PartitionFacts = { name: row.name, isDefault: row.is_default, from: row.range_from, to: row.range_to };
    const expired = !row.is_default && row.range_to !== null && row.range_to.getTime() <= cutoff.getTime();
    if (expired && holdsExist && store.workspaceColumn) {
      partitions.push({ ...facts, holdsHeldRows: await holdsHeldRows(sql, store, row.name) });
    } else {
      partitions.push(facts);
    }
  }
  return { store, layout: 'partitioned', partitions, detached };
}
