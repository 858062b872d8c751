import { inTransaction, type SqlSession } from '@meshtrail/database';
import { BEGIN_AS_INGEST, copyLines } from './sql-client';
import {
  AUDIT_EVENT_COLUMNS,
  auditEventLine,
  splitRepeatsWithinBatch,
  storableAuditEvent,
  type IncomingAuditEvent,
  type StorableAuditEvent,
} from './stored-audit-event';

export interface StoreOutcome<T = IncomingAuditEvent> {
  /** Newly stored, in seq order. */
  stored: T[];
  /** Already stored with the same content (a redelivery or a producer's retry): skipped. */
  duplicates: T[];
  /** The id was stored with other content: refused, never overwritten. */
  conflicts: Array<{ event: T; storedHash: string }>;
}

/**
 * Stores a batch of validated events exactly once, in one transaction: registers the ids
 * (existing ones are duplicates or conflicts, told apart by hash) and COPYs only the new events
 * into audit_events. Nothing else: the read model and the projections follow from the trail
 * (projectTrail). Writers do not wait for each other: each row carries its transaction's id, by
 * which readers of the commit order stay gap-free. Runs as the ingest role, which can insert but
 * never update or delete. Throws when the database fails: nothing of the batch is stored.
 */
export async function storeAuditEvents(client: SqlSession, events: IncomingAuditEvent[]): Promise<StoreOutcome> {
  const rows = events.map(storableAuditEvent);
  const given = new Map(rows.map((row, index) => [row, events[index]]));
  const outcome = await storeAuditRows(client, rows);
  return {
    stored: outcome.stored.map((row) => given.get(row)!),
    duplicates: outcome.duplicates.map((row) => given.get(row)!),
    conflicts: outcome.conflicts.map(({ event, storedHash }) => ({ event: given.get(event)!, storedHash })),
  };
}

/** storeAuditEvents for events whose rows were made elsewhere (the ingest's validation threads). */
export async function storeAuditRows<T extends StorableAuditEvent>(
  client: SqlSession,
  events: T[],
): Promise<StoreOutcome<T>> {
  return writeAuditEvents(client, events, 'commit');
}

/**
 * Writes one event exactly as a batch would (role, id registry, COPY) and
 * rolls it back: throws when the write path is broken (a missing column, a lost privilege), so a
 * consumer can tell a broken deployment from records that fail on their own. Keeps nothing.
 */
export async function probeAuditStore(client: SqlSession, event: IncomingAuditEvent): Promise<void> {
  await writeAuditEvents(client, [storableAuditEvent(event)], 'rollback');
}

async function writeAuditEvents<T extends StorableAuditEvent>(
  client: SqlSession,
  events: T[],
  end: 'commit' | 'rollback',
): Promise<StoreOutcome<T>> {
  const split = splitRepeatsWithinBatch(events);
  const outcome: StoreOutcome<T> = {
    stored: [],
    duplicates: [...split.repeats],
    conflicts: [...split.conflicts],
  };
  if (split.unique.length === 0) return outcome;
  // ids registered in one order by every writer: two writers given the same ids (a rebalance
  // redelivering a batch) wait for each other instead of deadlocking
  const registering = [...split.unique].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // BEGIN and the ingest role in one round trip
  const transaction = <T>(work: () => Promise<T>) =>
    end === 'commit' ? inTransaction(client, work, BEGIN_AS_INGEST) : rolledBack(client, work);
  return transaction(async () => {
    const ids = split.unique.map((item) => item.id);
    // registers the ids and numbers the new ones in one statement
    const registered = await client.query<{ id: string; seq: string }>(
      `WITH registered AS (
         INSERT INTO audit_event_ids (id, hash, occurred_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
         ON CONFLICT (id) DO NOTHING RETURNING id)
       SELECT id, nextval('audit_events_seq')::text AS seq FROM registered`,
      [
        registering.map((item) => item.id),
        registering.map((item) => item.hash),
        // ISO text: pg's own Date formatting (local time with its offset) costs more per event
        registering.map((item) => item.occurredAt.toISOString()),
      ],
    );
    const fresh = new Set(registered.rows.map((row) => row.id));
    if (fresh.size < ids.length) {
      const known = await client.query<{ id: string; hash: string }>(
        'SELECT id, hash FROM audit_event_ids WHERE id = ANY($1::text[])',
        [ids.filter((id) => !fresh.has(id))],
      );
      const storedHash = new Map(known.rows.map((row) => [row.id, row.hash]));
      for (const item of split.unique) {
        if (fresh.has(item.id)) continue;
        const hash = storedHash.get(item.id)!;
        if (hash === item.hash) outcome.duplicates.push(item);
        else outcome.conflicts.push({ event: item, storedHash: hash });
      }
    }
    outcome.stored = split.unique.filter((item) => fresh.has(item.id));
    if (outcome.stored.length === 0) return outcome;

    // the numbers in ascending order, given out in batch order (decimal text without leading zeros:
    // the shorter is the smaller, and of equal length the one first as text)
    const seqs = registered.rows
      .map((row) => row.seq)
      .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    await copyLines(
      client,
      'audit_events',
      AUDIT_EVENT_COLUMNS,
      outcome.stored.map((item, index) => auditEventLine(seqs[index], item)),
    );
    return outcome;
  });
}

/** Runs `work` in a transaction as the ingest role that is always rolled back. */
async function rolledBack<T>(client: SqlSession, work: () => Promise<T>): Promise<T> {
  try {
    await client.query(BEGIN_AS_INGEST);
    return await work();
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}
