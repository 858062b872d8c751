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
