/** Which dead letters a listing or a replay means. Every field narrows; none means all. */
export interface DeadLetterFilters {
  /** The source topic, exactly as stored (with the installation's prefix). */
  topic?: string;
  reason?: string;
  /** Dead-lettered at or after. */
  since?: Date;
  /** Dead-lettered before. */
  until?: Date;
  ids?: string[];
  /** Only those replayed (true) or never replayed (false). */
  replayed?: boolean;
}

/** The filters as plain JSON, for audit events and printed results. */
export function describeFilters(filters: DeadLetterFilters): Record<string, unknown> {
  const described: Record<string, unknown> = {};
  if (filters.topic !== undefined) described.topic = filters.topic;
  if (filters.reason !== undefined) described.reason = filters.reason;
  if (filters.since !== undefined) described.since = filters.since.toISOString();
  if (filters.until !== undefined) described.until = filters.until.toISOString();
  if (filters.ids !== undefined) described.ids = filters.ids;
  if (filters.replayed !== undefined) described.replayed = filters.replayed;
  return described;
}

/** A dead letter id: a positive bigint, in decimal. */
export const DEAD_LETTER_ID = /^[1-9][0-9]{0,17}$/;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 time with its zone (2026-11-23T10:15:00Z), or undefined when it is not one. */
export function parseInstant(text: string): Date | undefined {
  if (!INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** The topic as stored: a name without the installation's prefix gets it. */
export function storedTopic(topic: string, prefix: string): string {
  return topic.startsWith(prefix) ? topic : `${prefix}${topic}`;
}
