import type { ValidAuditEvent } from '@meshtrail/contracts';
import { copyLine } from './copy-text';

/** Where a record was read from. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** A validated event and where it was read from. */
export interface IncomingAuditEvent extends ValidAuditEvent, KafkaPosition {}

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
 * The audit_events values of an event from its id to its hash (the columns between seq and the
 * Kafka position). The event column takes the canonical JSON validation made for the hash (jsonb
 * keeps no key order, so it stores the same value as serialising the event again would).
 */
export function auditEventFields(valid: ValidAuditEvent): unknown[] {
  const { event } = valid;
  const { data } = event;
  return [
    event.id,
    valid.occurredAt,
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
    valid.json,
    valid.hash,
  ];
}

/**
 * What the store needs of a validated event: its id and hash for the id registry, its time, and
 * its audit_events row as COPY text (without seq and Kafka position), made where the event was
 * validated, so that the event object need not exist where it is stored (a validation thread
 * sends this instead of the event).
 */
export interface AuditRow {
  id: string;
  occurredAt: Date;
  hash: string;
  /** copyLine(auditEventFields(event)). */
  rowText: string;
}

export function auditRow(valid: ValidAuditEvent): AuditRow {
  return {
    id: valid.event.id,
    occurredAt: valid.occurredAt,
    hash: valid.hash,
    rowText: copyLine(auditEventFields(valid)),
  };
}

/** An event ready for the store: its row and where it was read from. */
export type StorableAuditEvent = AuditRow & KafkaPosition;

/** An incoming event's row, made in this thread (for callers that validated the event here). */
export function storableAuditEvent(incoming: IncomingAuditEvent): StorableAuditEvent {
  return { ...auditRow(incoming), topic: incoming.topic, partition: incoming.partition, offset: incoming.offset };
}

/** The full audit_events row in COPY text: seq, the row, and the Kafka position. */
export function auditEventLine(seq: string, item: StorableAuditEvent): string {
  return `${seq}\t${item.rowText}\t${copyLine([item.topic, item.partition, item.offset])}`;
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
export function splitRepeatsWithinBatch<T extends { id: string; hash: string }>(events: T[]): BatchSplit<T> {
  const seen = new Map<string, string>();
  const split: BatchSplit<T> = { unique: [], repeats: [], conflicts: [] };
  for (const item of events) {
    const hash = seen.get(item.id);
    if (hash === undefined) {
      seen.set(item.id, item.hash);
      split.unique.push(item);
    } else if (hash === item.hash) split.repeats.push(item);
    else split.conflicts.push({ event: item, storedHash: hash });
  }
  return split;
}
