import { lockHoldsShared } from '../legal-hold/hold-lock';
import { inTransaction, type SqlSession } from '@meshtrail/database';
import { ident } from './sql';

/** Rows of one relation matching a condition (aliased `t`), with the condition's parameters. */
export interface RowSelection {
  readonly relation: string;
  /** SQL over the alias `t`, with $1.. placeholders for `params`. */
  readonly condition: string;
  readonly params: readonly unknown[];
}

export interface BatchOptions {
  /** About how many rows one DELETE statement looks at. */
  readonly batchRows: number;
  /** Stops the work between two statements (a shutdown): the rows so far stay deleted. */
  readonly signal?: AbortSignal;
  /** Called after each statement, e.g. to measure how long its locks were held. */
  readonly onStatement?: (statement: { relation: string; deleted: number; durationMs: number }) => void;
}

export interface BatchResult {
  deleted: number;
  statements: number;
}

async function relationShape(sql: SqlSession, relation: string): Promise<{ blocks: number; rowsPerBlock: number }> {
  const { rows } = await sql.query<{ blocks: string; reltuples: number; relpages: number }>(
    `SELECT pg_relation_size(c.oid) / current_setting('block_size')::int AS blocks, c.reltuples, c.relpages
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [relation],
  );
  const blocks = Number(rows[0]?.blocks ?? 0);
  const { reltuples, relpages } = rows[0] ?? { reltuples: -1, relpages: 0 };
  if (reltuples > 0 && relpages > 0) return { blocks, rowsPerBlock: reltuples / relpages };
  // never analysed: measure the first few blocks
  const sample = Math.min(blocks, 16);
  if (sample === 0) return { blocks, rowsPerBlock: 1 };
  const { rows: counted } = await sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${ident(relation)} WHERE ctid < $1::tid`,
    [`(${sample},0)`],
  );
  return { blocks, rowsPerBlock: Math.max(1, Number(counted[0].n) / sample) };
}

/** How many rows match, in one read-only statement: what `deleteInBlockBatches` would delete. */
export async function countSelection(sql: SqlSession, selection: RowSelection): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${ident(selection.relation)} t WHERE ${selection.condition}`,
    [...selection.params],
  );
  return Number(rows[0].n);
}

/**
 * Deletes the matching rows one range of heap blocks at a time (`ctid` between two block
 * numbers), each range its own short transaction. Every statement touches a bounded slice of
 * the table, so its row locks and the table's ROW EXCLUSIVE lock are held briefly, and the
 * whole sweep reads the table once instead of rescanning deleted rows batch after batch. Blocks
 * appended while it runs wait for the next run. Each transaction takes the legal-hold lock
 * shared, so a hold placed meanwhile takes effect from the next statement on.
 */
export async function deleteInBlockBatches(
  sql: SqlSession,
  selection: RowSelection,
  options: BatchOptions,
): Promise<BatchResult> {
  const { blocks, rowsPerBlock } = await relationShape(sql, selection.relation);
  const blocksPerStatement = Math.max(1, Math.floor(options.batchRows / rowsPerBlock));
  const first = selection.params.length + 1;
  const statement = `DELETE FROM ${ident(selection.relation)} t
     WHERE t.ctid >= $${first}::tid AND t.ctid < $${first + 1}::tid AND ${selection.condition}`;
  const result: BatchResult = { deleted: 0, statements: 0 };
  for (let start = 0; start < blocks; start += blocksPerStatement) {
    options.signal?.throwIfAborted();
    const began = performance.now();
    const deleted = await inTransaction(sql, async () => {
      await lockHoldsShared(sql);
      const outcome = await sql.query(statement, [
        ...selection.params,
        `(${start},0)`,
        `(${start + blocksPerStatement},0)`,
      ]);
      return outcome.rowCount ?? 0;
    });
    result.deleted += deleted;
    result.statements += 1;
    options.onStatement?.({ relation: selection.relation, deleted, durationMs: performance.now() - began });
  }
  return result;
}
