import type { DataKind } from '../policy/data-kinds';
import type { IdRegistry } from '../registry/retention-tables';

/** Why rows of a relation are deleted in batches rather than with the whole partition. */
export type SweepReason =
  /** the partition straddles the cutoff: its older rows go, its newer rows stay */
  | 'boundary'
  /** the default partition may hold rows of any month */
  | 'default'
  /** wholly expired, but it holds rows of a workspace under legal hold: only the others go */
  | 'held'
  /** the store is a table without partitions */
  | 'unpartitioned';

export interface Sweep {
  readonly relation: string;
  readonly reason: SweepReason;
}

/** What one run does to one store. */
export interface StorePlan {
  readonly kind: DataKind;
  readonly table: string;
  readonly timeColumn: string;
  /** Set when legal holds apply to the store: rows of held workspaces are never deleted. */
  readonly workspaceColumn?: string;
  readonly retentionMonths: number;
  /** Rows older than this are expired. */
  readonly cutoff: Date;
  /** The store's table does not exist: nothing to do. */
  readonly skipped?: 'absent';
  /** Wholly expired partitions without held rows: detached, then dropped. */
  readonly drop: readonly string[];
  /** Left detached by an interrupted run: dropped. */
  readonly dropDetached: readonly string[];
  /** Relations whose rows older than the cutoff are deleted in bounded batches, held rows kept. */
  readonly sweep: readonly Sweep[];
  readonly idRegistries: readonly IdRegistry[];
  /** The store's copies, each planned as a store of its own by the same cutoff and holds. */
  readonly copies: readonly StorePlan[];
  /** Monthly partitions to have from this month on (partitioned stores). */
  readonly ensureAhead?: { readonly fromMonth: Date; readonly months: number };
}

export interface RetentionPlan {
  readonly now: Date;
  readonly stores: readonly StorePlan[];
}
