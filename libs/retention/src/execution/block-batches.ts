import { lockHoldsShared } from '../legal-hold/hold-lock';
import { inTransaction, type SqlSession } from '@meshtrail/database';
import { blocksMatching, desummarize, pagesPerRange, summarizeNewRanges, type MatchingBlocks } from './brin-ranges';
import type { LockOptions } from './lock-retries';
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

/** Heap blocks [from, to) that one DELETE statement covers. */
interface BlockWindow {
  readonly from: number;
  readonly to: number;
}

function blocksPerStatement(rowsPerBlock: number, options: BatchOptions): number {
  return Math.max(1, Math.floor(options.batchRows / rowsPerBlock));
}

/** Windows of `size` blocks over the whole relation. */
function everyWindow(blocks: number, size: number): BlockWindow[] {
  const windows: BlockWindow[] = [];
  for (let from = 0; from < blocks; from += size) windows.push({ from, to: from + size });
  return windows;
}

/** Windows of `size` blocks, each starting at the first listed block the previous ones leave out. */
function windowsFrom(blocks: readonly number[], size: number): BlockWindow[] {
  const windows: BlockWindow[] = [];
  for (const block of blocks) {
    if (windows.length > 0 && block < windows[windows.length - 1].to) continue;
    windows.push({ from: block, to: block + size });
  }
  return windows;
}

/**
 * Deletes the matching rows of each window, each its own short transaction taking the legal-hold
 * lock shared; tells `deletedFrom` of each window it deleted something from.
 */
async function deleteWindows(
  sql: SqlSession,
  selection: RowSelection,
  windows: readonly BlockWindow[],
  options: BatchOptions,
  deletedFrom?: (window: BlockWindow) => void,
): Promise<BatchResult> {
  const first = selection.params.length + 1;
  const statement = `DELETE FROM ${ident(selection.relation)} t
     WHERE t.ctid >= $${first}::tid AND t.ctid < $${first + 1}::tid AND ${selection.condition}`;
  const result: BatchResult = { deleted: 0, statements: 0 };
  for (const window of windows) {
    options.signal?.throwIfAborted();
    const began = performance.now();
    const deleted = await inTransaction(sql, async () => {
      await lockHoldsShared(sql);
      const outcome = await sql.query(statement, [...selection.params, `(${window.from},0)`, `(${window.to},0)`]);
      return outcome.rowCount ?? 0;
    });
    result.deleted += deleted;
    result.statements += 1;
    if (deleted > 0) deletedFrom?.(window);
    options.onStatement?.({ relation: selection.relation, deleted, durationMs: performance.now() - began });
  }
  return result;
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
  return deleteWindows(sql, selection, everyWindow(blocks, blocksPerStatement(rowsPerBlock, options)), options);
}

/** A BRIN index on the relation and a condition it answers, implied by the selection's condition. */
export interface BrinNarrowing {
  readonly index: string;
  /** SQL over the alias `t`, with $1.. placeholders for `params`. */
  readonly condition: string;
  readonly params: readonly unknown[];
}

/**
 * When the ranges the index pointed to but that hold no matching row exceed this share of the
 * relation, every summary is dropped, to be made afresh (one read of the relation): they still
 * count rows deleted while a snapshot older than the deletes could see them.
 */
const STALE_SHARE = 0.1;

/**
 * deleteInBlockBatches reading only what may match. The ranges left without a summary (by the
 * last purge, or new) are summarized first; the blocks holding rows that match the narrowing are
 * found through the BRIN index, which reads only the ranges whose summary allows a match; the
 * windows start at those blocks; and the summaries of the ranges deleted from are dropped, to be
 * made afresh from the rows left, so that later purges skip those ranges.
 */
export async function deleteInIndexedBlocks(
  sql: SqlSession,
  selection: RowSelection,
  narrowing: BrinNarrowing,
  options: BatchOptions & LockOptions,
): Promise<BatchResult> {
  await summarizeNewRanges(sql, narrowing.index, options);
  const { blocks, rowsPerBlock } = await relationShape(sql, selection.relation);
  const perRange = await pagesPerRange(sql, narrowing.index);
  const found = await blocksMatching(sql, selection.relation, narrowing.condition, narrowing.params);
  const deletedFrom: BlockWindow[] = [];
  const windows = windowsFrom(found.blocks, blocksPerStatement(rowsPerBlock, options));
  let result: BatchResult | undefined;
  try {
    result = await deleteWindows(sql, selection, windows, options, (window) => deletedFrom.push(window));
  } finally {
    // also when stopped half-way: the ranges deleted from so far
    const stale = result !== undefined && summariesStale(found, perRange, blocks);
    const ranges = stale ? rangeStarts([{ from: 0, to: blocks }], perRange) : rangeStarts(deletedFrom, perRange);
    await desummarize(sql, narrowing.index, ranges, options);
  }
  return result;
}

/** Whether the index pointed to more blocks holding no match than STALE_SHARE allows. */
function summariesStale(found: MatchingBlocks, perRange: number, blocks: number): boolean {
  const holding = rangeStarts(
    found.blocks.map((block) => ({ from: block, to: block + 1 })),
    perRange,
  );
  return found.blocksRead - blocksIn(holding, perRange, blocks) > Math.max(perRange, blocks * STALE_SHARE);
}

/** The first blocks of the ranges of `perRange` blocks that the windows overlap, ascending. */
function rangeStarts(windows: readonly BlockWindow[], perRange: number): number[] {
  const starts = new Set<number>();
  for (const { from, to } of windows) {
    for (let start = Math.floor(from / perRange) * perRange; start < to; start += perRange) starts.add(start);
  }
  return [...starts].sort((a, b) => a - b);
}

/** How many blocks of the relation the ranges cover (the last one may be partial). */
function blocksIn(starts: readonly number[], perRange: number, blocks: number): number {
  return starts.reduce((sum, start) => sum + Math.max(0, Math.min(perRange, blocks - start)), 0);
}
