import type { DataKind } from '../policy/data-kinds';

/** What one run did (or, in a dry run, would do) to one store. */
export interface StoreOutcome {
  kind: DataKind;
  table: string;
  retentionMonths: number;
  /** ISO 8601: rows older than this were expired. */
  cutoff: string;
  skipped?: 'absent';
  /** Whole partitions dropped (including ones an interrupted run had left detached). */
  partitionsDropped: string[];
  /** Every row gone: those of the dropped partitions plus those deleted in batches. */
  rowsDeleted: number;
  rowsInDroppedPartitions: number;
  rowsDeletedInBatches: number;
  /** Rows removed from the store's id registries (e.g. audit_event_ids). */
  registryRowsDeleted: number;
  /** DELETE statements issued (0 in a dry run). */
  deleteStatements: number;
  /** Monthly partitions created ahead (in a dry run: missing ones that would be created). */
  partitionsCreated: number;
  durationMs: number;
  /** Set when this store failed; the figures count what was done before. */
  error?: string;
}

/** The figures a dry run promises and the real run must match. */
export function deletionFigures(outcome: StoreOutcome) {
  return {
    kind: outcome.kind,
    cutoff: outcome.cutoff,
    partitionsDropped: outcome.partitionsDropped,
    rowsDeleted: outcome.rowsDeleted,
    rowsInDroppedPartitions: outcome.rowsInDroppedPartitions,
    rowsDeletedInBatches: outcome.rowsDeletedInBatches,
    registryRowsDeleted: outcome.registryRowsDeleted,
  };
}
