import type { RetentionTable } from '../registry/retention-tables';

/** One partition of a store as the database describes it. */
export interface PartitionFacts {
  readonly name: string;
  /** The default partition takes rows of every month without a partition of its own. */
  readonly isDefault: boolean;
  /** Inclusive lower bound; null for MINVALUE (and for the default partition). */
  readonly from: Date | null;
  /** Exclusive upper bound; null for MAXVALUE (and for the default partition). */
  readonly to: Date | null;
  /**
   * Whether it holds rows of a workspace under legal hold. Looked up only for wholly expired
   * partitions of a store with a workspace column while holds exist; unknown counts as held.
   */
  readonly holdsHeldRows?: boolean;
}

/** What the database holds of one store, gathered before planning. */
export interface StoreInventory {
  readonly store: RetentionTable;
  /** absent: no such table (its migration has not landed); plain: a table without partitions. */
  readonly layout: 'absent' | 'partitioned' | 'plain';
  readonly partitions: readonly PartitionFacts[];
  /** Partitions an interrupted run detached but did not drop yet (named <partition>_detached). */
  readonly detached: readonly string[];
  /** What the database holds of each of the store's copies (none for an absent store). */
  readonly copies?: readonly StoreInventory[];
}
