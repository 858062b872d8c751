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

/** Inserts one dead letter, dead-lettered at the given time; returns its id. */
export async function insertDeadLetter(
  stack: TestStack,
  row: { deadLetteredAt: string; offset: number; key?: string; message?: string },
): Promise<string> {
  const [{ id }] = await stack.query<{ id: string }>(
    `INSERT INTO dead_letters (source_topic, source_partition, source_offset, reason, message, key, value, value_size,
       value_sha256, dead_lettered_at)
     VALUES ('audit.events.v1', 0, $1, 'EVENT.NOT_JSON', $4, $2, '\\x7b', 1, encode(sha256('\\x7b'), 'hex'), $3)
     RETURNING id::text`,
    [
      row.offset,
      row.key === undefined ? null : Buffer.from(row.key),
      new Date(row.deadLetteredAt),
      row.message ?? 'not JSON',
    ],
  );
  return id;
}
