/**
 * The value of a record on a dead-letter topic (audit.events.dlq.v1, access-logs.dlq.v1), JSON.
 * Key: the original record's key. Everything needed to understand the refusal; the record is
 * bounded (well under the topic's maximum message size), so a large original is not carried:
 * then `valueBase64` is null, and `valueSize`, `valueSha256` and `storedAs` say what and where it is.
 */
export interface DeadLetterRecord {
  /** Stable code, e.g. EVENT.NOT_JSON, EVENT.CONFLICTING_DUPLICATE, KEYCLOAK.UNPARSEABLE_LINE. */
  reason: string;
  /** What was wrong, naming the field; at most DEAD_LETTER_BOUNDS.messageBytes bytes of UTF-8. */
  message: string;
  /** Where the record came from. */
  source: { topic: string; partition: number; offset: string; timestamp: string };
  /** The original key, UTF-8 (null when it had none, or when the original is not carried). */
  key: string | null;
  /** The original headers, bounded (see `headersTruncated`). */
  headers: Record<string, string | undefined>;
  /** The original value, byte for byte, base64 (null when it had none, or when it is not carried). */
  valueBase64: string | null;
  deadLetteredAt: string;
  /** The original key, byte for byte, base64 (absent when it had none or it is not carried). */
  keyBase64?: string;
  /** Set when `message` was cut at DEAD_LETTER_BOUNDS.messageBytes (on a character boundary). */
  messageTruncated?: true;
  /** Set when headers were dropped or their values cut to stay within the bounds. */
  headersTruncated?: true;
  /** Set when the original key and value are too large to carry: see `storedAs`. */
  originalOmitted?: true;
  /** Size of the original value in bytes (0 when it had none). */
  valueSize?: number;
  /** SHA-256 of the original value, lowercase hex (null when it had none). */
  valueSha256?: string | null;
  /** Where the dead letter is kept whole (original bytes included). */
  storedAs?: { table: 'dead_letters'; id: string };
}

/** Header on each dead letter, so consumers can filter by reason without decoding the value. */
export const DEAD_LETTER_REASON_HEADER = 'meshtrail-dlq-reason';

/** Header on a record republished from the dead letters: the id of the dead letter it replays. */
export const DEAD_LETTER_REPLAY_HEADER = 'meshtrail-replay-of';

/**
 * The bounds of a dead-letter record. Kafka's default maximum message size is 1 MB; a dead letter
 * stays under half of it whatever it was refused for, so its send never fails for its size.
 */
export const DEAD_LETTER_BOUNDS = {
  /** The message, in bytes of UTF-8. */
  messageBytes: 4096,
  /** The reason code, in bytes of UTF-8. */
  reasonBytes: 256,
  /** Headers carried, at most. */
  headerCount: 32,
  /** One header's name, in bytes. */
  headerNameBytes: 256,
  /** One header's value, in bytes. */
  headerValueBytes: 1024,
  /** All headers' names and values together, in bytes. */
  headersBytes: 16_384,
  /** The original key and value are carried (base64) only up to this size together. */
  inlineOriginalBytes: 262_144,
  /** The whole dead-letter record (key, value JSON) stays under this. */
  recordBytes: 524_288,
} as const;
