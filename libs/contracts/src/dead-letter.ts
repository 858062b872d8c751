/**
 * The value of a record on audit.events.dlq.v1 (JSON). Key: the original record's key. Everything
 * needed to understand the refusal and to replay the record once it is fixed.
 */
export interface DeadLetterRecord {
  /** Stable code, e.g. EVENT.NOT_JSON, EVENT.CONFLICTING_DUPLICATE, KEYCLOAK.UNPARSEABLE_LINE. */
  reason: string;
  /** What was wrong, naming the field. */
  message: string;
  /** Where the record came from. */
  source: { topic: string; partition: number; offset: string; timestamp: string };
  /** The original key, UTF-8 (null when it had none). */
  key: string | null;
  /** The original headers. */
  headers: Record<string, string | undefined>;
  /** The original value, byte for byte, base64 (null when it had none). */
  valueBase64: string | null;
  deadLetteredAt: string;
}

/** Header on each dead letter, so consumers can filter by reason without decoding the value. */
export const DEAD_LETTER_REASON_HEADER = 'meshtrail-dlq-reason';
