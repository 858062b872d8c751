import type { SqlQueries } from '@meshtrail/database';
import { TRAIL_START, type TrailPosition } from './trail-position';

/** Whose events a reader may see: every event, or those of these workspaces (never the global ones). */
export type TrailScope = { all: true } | { all: false; workspaces: readonly string[] };

export interface TrailReadOptions {
  /**
   * What to select of each row, over audit_events: a constant of the caller's code, never input
   * (`*` when not given).
   */
  columns?: string;
  /** At most how many committed rows a scoped read looks through (see readTrailAfter). */
  scanRows?: number;
}

export interface TrailEntry<T> {
  row: T;
  position: TrailPosition;
}

export interface TrailPage<T> {
  entries: Array<TrailEntry<T>>;
  /** Where the next read starts: after the last entry, or after the rows a scoped read looked through. */
  next: TrailPosition;
  /** True when there is more to read at once: the page is full, or a scoped read stopped at its scan bound. */
  more: boolean;
}

export const DEFAULT_TRAIL_SCAN_ROWS = 10_000;

/** The positions the queries add to each row, under names no column of audit_events has. */
interface PositionColumns {
  trail_xact_id: string;
  trail_seq: string;
}

/**
 * The next events of the trail after `after` (the start when undefined), at most `limit`, in
 * commit order: (xact_id, seq), served by audit_events_commit_order_idx (each month's index read
 * in order and merged; the trail is never sorted). Gap-free: only rows of transactions older than the oldest one
 * still in flight are read (pg_snapshot_xmin), so a row that commits late is never behind a
 * position already handed out. A long transaction anywhere in the cluster holds the feed back; it
 * never makes it skip.
 *
 * A scoped read looks through at most `scanRows` committed rows after `after` for its workspaces'
 * events, so a reader whose workspaces are quiet does not read the whole trail on every call; when
 * the page is not full, `next` is the last row it looked through, and `more` tells whether it
 * stopped at that bound.
 */
export async function readTrailAfter<T extends object>(
  db: SqlQueries,
  after: TrailPosition | undefined,
  limit: number,
  scope: TrailScope,
  { columns = '*', scanRows = DEFAULT_TRAIL_SCAN_ROWS }: TrailReadOptions = {},
): Promise<TrailPage<T>> {
  const from = after ?? TRAIL_START;
  const wanted = Math.max(1, Math.floor(limit));
  if (scope.all) return readAll<T>(db, from, wanted, columns);
  return readScoped<T>(db, from, wanted, scope.workspaces, columns, Math.max(1, Math.floor(scanRows)));
}

async function readAll<T>(db: SqlQueries, after: TrailPosition, limit: number, columns: string): Promise<TrailPage<T>> {
  const rows = await db.query<T & PositionColumns>(
    `SELECT ${columns}, audit_events.xact_id::text AS trail_xact_id, audit_events.seq::text AS trail_seq
     FROM audit_events
     WHERE (audit_events.xact_id, audit_events.seq) > ($1::xid8, $2::bigint)
       AND audit_events.xact_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY audit_events.xact_id, audit_events.seq
     LIMIT $3`,
    [after.xactId, after.seq, limit + 1],
  );
  const entries = rows.slice(0, limit).map(entryOf);
  return { entries, next: entries.at(-1)?.position ?? after, more: rows.length > limit };
}

/**
 * First the end of the scan window (the scanRows-th committed row after `after`, or the last
 * one), then the scope's first rows up to it. The window end is found by numbering rows that
 * come in index order (a sort would read them all before answering) and taken as one row, which
 * also keeps the planner's estimate of the rest honest.
 */
async function readScoped<T>(
  db: SqlQueries,
  after: TrailPosition,
  limit: number,
  workspaces: readonly string[],
  columns: string,
  scanRows: number,
): Promise<TrailPage<T>> {
  const rows = await db.query<
    { scan_xact_id: string; scan_seq: string; scanned: number } & ((T & PositionColumns) | { trail_xact_id: null })
  >(
    `WITH scan_end AS (
       SELECT w.xact_id, w.seq, w.scanned FROM (
         SELECT scan.xact_id, scan.seq,
                row_number() OVER (ORDER BY scan.xact_id, scan.seq) AS n, count(*) OVER () AS scanned
         FROM (
           SELECT xact_id, seq FROM audit_events
           WHERE (xact_id, seq) > ($1::xid8, $2::bigint) AND xact_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY xact_id, seq
           LIMIT $3) scan
       ) w
       WHERE w.n = w.scanned
       LIMIT 1)
     SELECT scan_end.xact_id::text AS scan_xact_id, scan_end.seq::text AS scan_seq, scan_end.scanned::int AS scanned,
            hit.*
     FROM scan_end LEFT JOIN LATERAL (
       SELECT ${columns}, audit_events.xact_id::text AS trail_xact_id, audit_events.seq::text AS trail_seq
       FROM audit_events
       WHERE (audit_events.xact_id, audit_events.seq) > ($1::xid8, $2::bigint)
         AND (audit_events.xact_id, audit_events.seq) <= (scan_end.xact_id, scan_end.seq)
         AND audit_events.workspace = ANY($4::text[])
       ORDER BY audit_events.xact_id, audit_events.seq
       LIMIT $5) hit ON true`,
    [after.xactId, after.seq, scanRows, workspaces, limit + 1],
  );
  // no committed row after `after`: nothing to look through
  if (rows.length === 0) return { entries: [], next: after, more: false };
  const [{ scan_xact_id, scan_seq, scanned }] = rows;
  const hits = rows.flatMap(({ scan_xact_id: _x, scan_seq: _s, scanned: _n, ...hit }) =>
    hit.trail_xact_id === null ? [] : [entryOf(hit as T & PositionColumns)],
  );
  if (hits.length > limit) {
    const entries = hits.slice(0, limit);
    return { entries, next: entries[limit - 1].position, more: true };
  }
  return { entries: hits, next: { xactId: scan_xact_id, seq: scan_seq }, more: scanned >= scanRows };
}

function entryOf<T>({ trail_xact_id, trail_seq, ...row }: T & PositionColumns): TrailEntry<T> {
  return { row: row as T, position: { xactId: trail_xact_id, seq: trail_seq } };
}
