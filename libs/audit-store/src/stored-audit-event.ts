import type { ValidAuditEvent } from '@meshtrail/contracts';

/** A validated event and where it was read from. */
export interface IncomingAuditEvent extends ValidAuditEvent {
  topic: string;
  partition: number;
  offset: string;
}

export const AUDIT_EVENT_COLUMNS = [
  'seq',
  'id',
  'occurred_at',
  'source',
  'type',
  'subject',
  'object_type',
  'object_id',
  'object_name',
  'action',
  'workspace',
  'actor_kind',
  'actor_id',
  'actor_name',
  'change',
  'changes',
  'source_ip',
  'correlation_id',
  'event',
  'hash',
  'kafka_topic',
  'kafka_partition',
  'kafka_offset',
] as const;

/**
 * The audit_events row of an event without its seq: the values of AUDIT_EVENT_COLUMNS after the
 * first. The event column takes the canonical JSON validation made for the hash (jsonb keeps no
 * key order, so it stores the same value as serialising the event again would).
 */
export function auditEventFields(incoming: IncomingAuditEvent): unknown[] {
  const { event } = incoming;
  const { data } = event;
  return [
    event.id,
    incoming.occurredAt,
    event.source,
    event.type,
    event.subject,
    data.objectType,
    data.objectId,
    data.objectName,
    data.action,
    data.workspace,
    data.actor.kind,
    data.actor.id,
    data.actor.displayName,
    data.change,
    data.changes ?? [],
    data.sourceIp,
    data.correlationId,
    incoming.json,
    incoming.hash,
    incoming.topic,
    incoming.partition,
    incoming.offset,
  ];
}

export interface BatchSplit<T> {
  /** First occurrence of each id, in batch order. */
  unique: T[];
  /** Later occurrences with the same content: harmless repeats. */
  repeats: T[];
  /** Later occurrences with different content: refused, never stored. */
  conflicts: Array<{ event: T; storedHash: string }>;
}

/** Sorts a batch's own repeats out before it meets the database: the first occurrence wins. */
export function splitRepeatsWithinBatch<T extends { event: { id: string }; hash: string }>(events: T[]): BatchSplit<T> {
  const seen = new Map<string, string>();
  const split: BatchSplit<T> = { unique: [], repeats: [], conflicts: [] };
  for (const item of events) {
    const hash = seen.get(item.event.id);
    if (hash === undefined) {
      seen.set(item.event.id, item.hash);
      split.unique.push(item);
    } else if (hash === item.hash) split.repeats.push(item);
    else split.conflicts.push({ event: item, storedHash: hash });
  }
  return split;
}
