import { inTransaction, type SqlSession } from '@meshtrail/database';
import { limitLockWait, withLockRetries, type LockOptions } from './lock-retries';
import { ident } from './sql';

/** How many heap blocks one summary of a BRIN index covers. */
export async function pagesPerRange(sql: SqlSession, index: string): Promise<number> {
  const { rows } = await sql.query<{ pages: number }>(
    `SELECT coalesce((SELECT option_value::int FROM pg_options_to_table(c.reloptions)
                       WHERE option_name = 'pages_per_range'), 128) AS pages
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [index],
  );
  return rows[0].pages;
}

export async function indexExists(sql: SqlSession, index: string): Promise<boolean> {
  const { rows } = await sql.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [index]);
  return rows[0].exists;
}

/**
 * Summarizes the block ranges that have no summary: those the last purge deleted from, and new
 * ones autosummarize has not seen to yet. A scan reads an unsummarized range whatever it holds.
 */
export async function summarizeNewRanges(sql: SqlSession, index: string, options: LockOptions): Promise<void> {
  await withLockRetries(options, () =>
    inTransaction(sql, async () => {
      await limitLockWait(sql, options);
      // the owner's wrappers: PostgreSQL lets only a table's owner (de)summarize its ranges
      await sql.query('SELECT meshtrail_brin_summarize_new_values($1::regclass)', [index]);
    }),
  );
}

/**
 * Drops the summaries of the ranges starting at the given blocks, for summarizeNewRanges (next
 * run) or VACUUM to summarize afresh from the rows left. A summary only ever widens as rows
 * arrive: after its oldest rows are deleted, a range would otherwise keep saying it may hold
 * them, and be read by every later purge. Summarizing right away would not do: a summary made
 * while an older snapshot may still see the deleted rows still counts them.
 */
export async function desummarize(
  sql: SqlSession,
  index: string,
  rangeStarts: readonly number[],
  options: LockOptions,
): Promise<void> {
  if (rangeStarts.length === 0) return;
  await withLockRetries(options, () =>
    inTransaction(sql, async () => {
      await limitLockWait(sql, options);
      for (const start of rangeStarts) {
        await sql.query('SELECT meshtrail_brin_desummarize_range($1::regclass, $2)', [index, start]);
      }
    }),
  );
}

export interface MatchingBlocks {
  /** The heap blocks holding matching rows, ascending. */
  readonly blocks: number[];
  /** How many heap blocks the scan read to find them: those of every range the index pointed to. */
  readonly blocksRead: number;
}

/** The heap blocks holding rows that match `condition` (over the alias `t`), found through a BRIN index. */
export async function blocksMatching(
  sql: SqlSession,
  relation: string,
  condition: string,
  params: readonly unknown[],
): Promise<MatchingBlocks> {
  const fetched = async () => {
    const { rows } = await sql.query<{ n: string }>('SELECT pg_stat_get_xact_blocks_fetched(to_regclass($1)) AS n', [
      relation,
    ]);
    return Number(rows[0].n);
  };
  return inTransaction(sql, async () => {
    // the index is the plan whatever the statistics say (they may not know yet how few ranges
    // qualify); where most ranges do, it reads what a sequential scan would
    await sql.query('SET LOCAL enable_seqscan = off');
    const before = await fetched();
    const { rows } = await sql.query<{ block: string }>(
      `SELECT DISTINCT (t.ctid::text::point)[0]::bigint AS block FROM ${ident(relation)} t WHERE ${condition} ORDER BY 1`,
      [...params],
    );
    return { blocks: rows.map((row) => Number(row.block)), blocksRead: (await fetched()) - before };
  });
}
