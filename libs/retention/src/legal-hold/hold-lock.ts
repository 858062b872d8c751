import type { SqlSession } from '@meshtrail/database';

/**
 * Placing a hold and deleting data take turns on this advisory lock: every deleting transaction
 * holds it shared, placing a hold takes it exclusively. So once a hold is placed, no statement
 * that could still delete the workspace's rows is running, and every later one sees the hold.
 */
const HOLD_LOCK_KEY = 7_281_930_007;

export async function lockHoldsShared(sql: SqlSession): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock_shared($1)', [HOLD_LOCK_KEY]);
}

export async function lockHoldsExclusive(sql: SqlSession): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock($1)', [HOLD_LOCK_KEY]);
}

/** The condition "this row's workspace is not under legal hold", read from the live holds table. */
export function notHeld(workspaceExpression: string): string {
  return `NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL AND h.workspace = ${workspaceExpression})`;
}
