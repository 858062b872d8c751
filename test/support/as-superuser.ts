/**
 * Runs a statement with triggers off (session_replication_role = replica), as an attacker with a
 * superuser's keys would: the append-only triggers do not stop it. For tamper-evidence tests.
 */
export async function asSuperuser(
  stack: { query(sql: string, params?: unknown[]): Promise<unknown> },
  sql: string,
  params: unknown[] = [],
): Promise<void> {
  await stack.query('SET session_replication_role = replica');
  try {
    await stack.query(sql, params);
  } finally {
    await stack.query('SET session_replication_role = DEFAULT');
  }
}
