import type { DataKind } from '../policy/data-kinds';

/** What one run did (or, in a dry run, would do) to one table: a store or one of its copies. */
export interface TableOutcome {
  table: string;
  skipped?: 'absent';
  /** Whole partitions dropped (including ones an interrupted run had left detached). */
  partitionsDropped: string[];
  /** Every row gone: those of the dropped partitions plus those deleted in batches. */
  rowsDeleted: number;
  rowsInDroppedPartitions: number;
  rowsDeletedInBatches: number;
  /** DELETE statements issued (0 in a dry run). */
  deleteStatements: number;
  /** Monthly partitions created ahead (in a dry run: missing ones that would be created). */
  partitionsCreated: number;
  durationMs: number;
  /** Set when this table failed; the figures count what was done before. */
  error?: string;
}

/** What one run did (or, in a dry run, would do) to one store. */
export interface StoreOutcome extends TableOutcome {
  kind: DataKind;
  retentionMonths: number;
  /** ISO 8601: rows older than this were expired. */
  cutoff: string;
  /** Rows removed from the store's id registries (e.g. audit_event_ids). */
  registryRowsDeleted: number;
  /** The store's copies (read models such as audit_event_search), pruned in the same run. */
  copies: TableOutcome[];
  /** Set when the store or one of its copies failed; the figures count what was done before. */
  error?: string;
}

function tableDeletions(outcome: TableOutcome) {
  return {
    partitionsDropped: outcome.partitionsDropped,
    rowsDeleted: outcome.rowsDeleted,
    rowsInDroppedPartitions: outcome.rowsInDroppedPartitions,
    rowsDeletedInBatches: outcome.rowsDeletedInBatches,
  };
}

/** The figures a dry run promises and the real run must match. */
export function deletionFigures(outcome: StoreOutcome) {
  return {
    kind: outcome.kind,
    cutoff: outcome.cutoff,
    ...tableDeletions(outcome),
    registryRowsDeleted: outcome.registryRowsDeleted,
    copies: outcome.copies.map((copy) => ({ table: copy.table, ...tableDeletions(copy) })),
  };
}
