import type { Client } from 'pg';
import { AUDIT_EVENT_COLUMNS, SEARCH_COLUMNS, auditEventFields, copyRows } from '@meshtrail/audit-store';
import { validateAuditEvent } from '@meshtrail/contracts';

/** A table the same rows are COPYed into, to see what its indexes allow. */
interface CeilingShape {
  name: string;
  /** What the table is, for the report. */
  what: string;
  table: string;
  definition: string;
  columns: readonly string[];
  /** The row for these columns, from the audit_events row (AUDIT_EVENT_COLUMNS) and the transaction's stand-in id. */
  row: (trailRow: unknown[], xactId: string, ingestedAt: Date) => unknown[];
}

const SEARCH = SEARCH_COLUMNS.split(', ');

/** The read model's row: its columns are the hot table's minus the raw event and the Kafka position. */
function searchRow(trailRow: unknown[], xactId: string, ingestedAt: Date): unknown[] {
  return SEARCH.map((column) =>
    column === 'xact_id'
      ? xactId
      : column === 'ingested_at'
        ? ingestedAt
        : trailRow[AUDIT_EVENT_COLUMNS.indexOf(column as (typeof AUDIT_EVENT_COLUMNS)[number])],
  );
}

export const CEILING_SHAPES: readonly CeilingShape[] = [
  {
    name: 'key only',
    what: 'audit_events with only its primary key (id, occurred_at)',
    table: 'bench_copy_key',
    definition: '(LIKE audit_events INCLUDING DEFAULTS, PRIMARY KEY (id, occurred_at))',
    columns: AUDIT_EVENT_COLUMNS,
    row: (trailRow) => trailRow,
  },
  {
    name: 'hot table',
    what: 'audit_events as it is: primary key and commit order (xact_id, seq)',
    table: 'bench_copy_trail',
    definition: '(LIKE audit_events INCLUDING ALL)',
    columns: AUDIT_EVENT_COLUMNS,
    row: (trailRow) => trailRow,
  },
  {
    name: 'read model',
    what: 'audit_event_search with its read indexes',
    table: 'bench_copy_search',
    definition: '(LIKE audit_event_search INCLUDING ALL)',
    columns: SEARCH,
    row: searchRow,
  },
];

export interface CeilingSource {
  /** How many events, and event number i as published. */
  count: number;
  event: (i: number) => unknown;
  /** Rows per COPY, one transaction each. */
  chunk: number;
  topic: string;
}

/** Writes out dirty shared buffers, where the role may (superusers and pg_checkpoint); others measure without. */
export async function checkpoint(db: Client): Promise<void> {
  await db.query('CHECKPOINT').catch(() => undefined);
}

/** Milliseconds one connection spends COPYing the source's rows into a fresh table of `shape`. */
export async function copyCeilingMs(db: Client, shape: CeilingShape, source: CeilingSource): Promise<number> {
  await db.query(`CREATE TABLE ${shape.table} ${shape.definition}`);
  // each shape starts from clean buffers, not paying for the one before
  await checkpoint(db);
  const now = new Date();
  // only the COPY statements are timed, not making the rows
  let ms = 0;
  for (let i = 0; i < source.count; i += source.chunk) {
    // the read model's indexes do not cover xact_id: any value per transaction will do
    const xactId = String(1 + i / source.chunk);
    const rows = [];
    for (let k = i; k < Math.min(source.count, i + source.chunk); k++) {
      const valid = validateAuditEvent(source.event(k), { now, maxFutureSkewMs: 300_000 });
      if (!valid.ok) throw new Error(valid.message);
      const trailRow = [String(k + 1), ...auditEventFields(valid), source.topic, 0, String(k)];
      rows.push(shape.row(trailRow, xactId, now));
    }
    const copyStart = Date.now();
    await db.query('BEGIN');
    await copyRows(db, shape.table, shape.columns, rows);
    await db.query('COMMIT');
    ms += Date.now() - copyStart;
  }
  return ms;
}
