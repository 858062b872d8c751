import type { SqlSession } from '@meshtrail/database';

/** The time-series tables this library writes, each partitioned by month. */
export const PARTITIONED_TABLES = ['audit_events', 'audit_event_search', 'auth_events'] as const;

/**
 * Creates this month's partition and the next `monthsAhead` ones for each table, so events land
 * in their month rather than the default partition. Runs as the table owner (not the ingest role).
 */
export async function ensurePartitions(client: SqlSession, monthsAhead: number): Promise<number> {
  let created = 0;
  for (const table of PARTITIONED_TABLES) {
    const { rows } = await client.query<{ created: number }>(
      `SELECT meshtrail_ensure_monthly_partitions($1, date_trunc('month', now())::date, $2) AS created`,
      [table, monthsAhead + 1],
    );
    created += rows[0].created;
  }
  return created;
}
