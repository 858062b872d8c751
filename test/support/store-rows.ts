import { projectStoredFixtures } from './audit-events';
import type { TestStack } from './test-stack';

/**
 * Inserts one audit event row (and its id registration), as the ingest service would store it,
 * and copies it into the read model (audit_event_search), as the projector would.
 */
export async function insertAuditEvent(
  stack: TestStack,
  row: { id: string; occurredAt: string | Date; workspace?: string | null },
): Promise<void> {
  const occurredAt = new Date(row.occurredAt);
  await stack.query(
    `INSERT INTO audit_events (id, occurred_at, source, type, object_type, object_id, action, workspace,
       actor_kind, actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
     VALUES ($1, $2, 'test', 'meshstack.project.created', 'Project', $1, 'created', $3, 'system', 'test',
       'created', '{}', md5($1), 'audit.events.v1', 0, 0)`,
    [row.id, occurredAt, row.workspace ?? null],
  );
  await stack.query(`INSERT INTO audit_event_ids (id, hash, occurred_at) VALUES ($1, md5($1), $2)`, [
    row.id,
    occurredAt,
  ]);
  await projectStoredFixtures(stack);
}

/** Inserts one Keycloak authentication event row. */
export async function insertAuthEvent(stack: TestStack, row: { offset: number; occurredAt: string }): Promise<void> {
  await stack.query(
    `INSERT INTO auth_events (occurred_at, kind, type, line, kafka_topic, kafka_partition, kafka_offset)
     VALUES ($1, 'login', 'LOGIN', 'type=LOGIN', 'keycloak.events.raw.v1', 0, $2)`,
    [new Date(row.occurredAt), row.offset],
  );
}

export async function ensureMonths(stack: TestStack, table: string, from: string, months: number): Promise<void> {
  await stack.query('SELECT meshtrail_ensure_monthly_partitions($1, $2::date, $3)', [table, from, months]);
}

export async function partitionsOf(stack: TestStack, table: string): Promise<string[]> {
  const rows = await stack.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
    [table],
  );
  return rows.map((row) => row.name);
}

/** Inserts one row of the telemetry relay's transmission log. */
export async function insertTransmission(stack: TestStack, row: { sentAt: string; category: string }): Promise<void> {
  await stack.query(
    `INSERT INTO telemetry_transmissions (sent_at, category, destination, items, bytes, result, duration_ms)
     VALUES ($1, $2, 'ops-center', 1, 100, 'delivered', 5)`,
    [new Date(row.sentAt), row.category],
  );
}
