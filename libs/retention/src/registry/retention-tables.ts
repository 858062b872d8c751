import type { DataKind } from '../policy/data-kinds';

/**
 * A non-partitioned table that registers the ids of a store's rows (for idempotency across
 * partitions). A row goes once it is older than the cutoff and its store row is gone, so an id
 * whose event is still stored (held, or stored late) stays registered.
 */
export interface IdRegistry {
  readonly table: string;
  readonly idColumn: string;
  readonly timeColumn: string;
  /** The store's column that the registry's id refers to. */
  readonly storeIdColumn: string;
  /**
   * A BRIN index on `timeColumn`: the purge reads only the block ranges it says may hold expired
   * rows. Without it (or before its migration) the purge reads the whole registry.
   */
  readonly timeIndex?: string;
}

/**
 * A table holding a copy of a store's rows (a read model): partitioned by month like the store,
 * with the store's time and workspace columns. Its rows hold the same personal data, so the same
 * run prunes it by the same cutoff and the same legal holds.
 */
export interface StoreCopy {
  readonly table: string;
}

/**
 * Where one kind of data is stored. The table is range-partitioned by month on `timeColumn`
 * (expired months dropped, the rest deleted in batches), unless `partitioned` is false: a plain
 * table, whose expired rows are all deleted in batches.
 */
export interface RetentionTable {
  readonly kind: DataKind;
  readonly table: string;
  readonly timeColumn: string;
  readonly partitioned?: false;
  /** Rows of a workspace under legal hold are never deleted; a store without it cannot be held. */
  readonly workspaceColumn?: string;
  readonly idRegistries?: readonly IdRegistry[];
  readonly copies?: readonly StoreCopy[];
}

/** A store's copy as a store of its own: same kind, time and workspace columns; no registry or copies. */
export function copyAsStore(store: RetentionTable, copy: StoreCopy): RetentionTable {
  return { kind: store.kind, table: copy.table, timeColumn: store.timeColumn, workspaceColumn: store.workspaceColumn };
}

/**
 * Every store retention prunes. A store whose table does not exist (yet) is reported as skipped,
 * so the engine runs before and after each store's migration lands.
 */
export const RETENTION_TABLES: readonly RetentionTable[] = [
  {
    kind: 'auditEvents',
    table: 'audit_events',
    timeColumn: 'occurred_at',
    workspaceColumn: 'workspace',
    idRegistries: [
      {
        table: 'audit_event_ids',
        idColumn: 'id',
        timeColumn: 'occurred_at',
        storeIdColumn: 'id',
        timeIndex: 'audit_event_ids_occurred_at_brin',
      },
    ],
    copies: [{ table: 'audit_event_search' }],
  },
  { kind: 'authEvents', table: 'auth_events', timeColumn: 'occurred_at' },
  { kind: 'accessLogs', table: 'access_logs', timeColumn: 'requested_at' },
  { kind: 'telemetryTransmissions', table: 'telemetry_transmissions', timeColumn: 'sent_at' },
  // few rows, listed and replayed by id: one plain table. No workspace column, so legal holds do
  // not reach it (a refused record's key is no workspace anyone vouched for)
  { kind: 'deadLetters', table: 'dead_letters', timeColumn: 'dead_lettered_at', partitioned: false },
];
