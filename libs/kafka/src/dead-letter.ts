import { createHash } from 'node:crypto';
import type { Message } from 'kafkajs';
import { DEAD_LETTER_BOUNDS, DEAD_LETTER_REASON_HEADER, type DeadLetterRecord } from '@meshtrail/contracts';
import type { ConsumedRecord } from './consumed-record';

/** A record that cannot be stored, and why. */
export interface DeadLetter {
  record: ConsumedRecord;
  reason: string;
  message: string;
}

const ELLIPSIS = '…';

/**
 * Text that PostgreSQL and every JSON reader take: NUL and unpaired surrogates become U+FFFD
 * (a message may quote whatever the refused record held).
 */
export function safeText(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8').replace(/\0/g, '\uFFFD');
}

/**
 * The text cut to at most `maxBytes` bytes of UTF-8, on a character boundary, ending in "…" when
 * it was cut.
 */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(safeText(text), 'utf8');
  if (bytes.length <= maxBytes) return { text: bytes.toString('utf8'), truncated: false };
  let end = Math.max(0, maxBytes - Buffer.byteLength(ELLIPSIS));
  // back off to the first byte of a character (continuation bytes are 10xxxxxx)
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8') + ELLIPSIS, truncated: true };
}

/**
 * At most DEAD_LETTER_BOUNDS.headerCount headers, names and values cut to their bounds, all
 * together within headersBytes; `truncated` when anything was dropped or cut.
 */
export function boundHeaders(headers: Record<string, string | undefined>): {
  headers: Record<string, string | undefined>;
  truncated: boolean;
} {
  const bounded: Record<string, string | undefined> = {};
  let truncated = false;
  let total = 0;
  let count = 0;
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = truncateUtf8(rawName, DEAD_LETTER_BOUNDS.headerNameBytes);
    const value = rawValue === undefined ? undefined : truncateUtf8(rawValue, DEAD_LETTER_BOUNDS.headerValueBytes);
    const size = Buffer.byteLength(name.text) + (value ? Buffer.byteLength(value.text) : 0);
    if (count >= DEAD_LETTER_BOUNDS.headerCount || total + size > DEAD_LETTER_BOUNDS.headersBytes) {
      truncated = true;
      continue;
    }
    truncated ||= name.truncated || (value?.truncated ?? false);
    bounded[name.text] = value?.text;
    total += size;
    count++;
  }
  return { headers: bounded, truncated };
}

/** SHA-256 of the bytes, lowercase hex. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where a dead letter is kept whole. */
export interface StoredDeadLetter {
  id: string;
}

/**
 * The dead-letter topic's record for a refused one: reason, bounded message and headers, where
 * it came from, and the original key and value when they are small enough to carry (at most
 * DEAD_LETTER_BOUNDS.inlineOriginalBytes together). A larger original is described by its size
 * and SHA-256 and, when `stored` is given, by the dead_letters row that keeps it whole. The
 * record (key plus value) never exceeds DEAD_LETTER_BOUNDS.recordBytes.
 */
export function deadLetterMessage(letter: DeadLetter, now: Date = new Date(), stored?: StoredDeadLetter): Message {
  const { record } = letter;
  const reason = truncateUtf8(letter.reason, DEAD_LETTER_BOUNDS.reasonBytes).text;
  const message = truncateUtf8(letter.message, DEAD_LETTER_BOUNDS.messageBytes);
  const headers = boundHeaders(record.headers);
  const base: DeadLetterRecord = {
    reason,
    message: message.text,
    source: { topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp },
    key: null,
    headers: headers.headers,
    valueBase64: null,
    deadLetteredAt: now.toISOString(),
    ...(message.truncated ? { messageTruncated: true as const } : {}),
    ...(headers.truncated ? { headersTruncated: true as const } : {}),
    valueSize: record.value?.length ?? 0,
    valueSha256: record.value === null ? null : sha256Hex(record.value),
    ...(stored ? { storedAs: { table: 'dead_letters' as const, id: stored.id } } : {}),
  };
  const dlqHeaders = { [DEAD_LETTER_REASON_HEADER]: reason, 'content-type': 'application/json' };

  const originalSize = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  if (originalSize <= DEAD_LETTER_BOUNDS.inlineOriginalBytes) {
    const whole: DeadLetterRecord = {
      ...base,
      key: record.key === null ? null : record.key.toString('utf8'),
      valueBase64: record.value === null ? null : record.value.toString('base64'),
      ...(record.key === null ? {} : { keyBase64: record.key.toString('base64') }),
    };
    const value = JSON.stringify(whole);
    // a binary key decodes to replacement characters three bytes each: measure, do not assume
    if (Buffer.byteLength(value) + (record.key?.length ?? 0) <= DEAD_LETTER_BOUNDS.recordBytes) {
      return { key: record.key, value, headers: dlqHeaders };
    }
  }
  return {
    // the original key keeps the dead letter beside its fellows only while it is small
    key: record.key !== null && record.key.length <= DEAD_LETTER_BOUNDS.headerValueBytes ? record.key : null,
    value: JSON.stringify({ ...base, originalOmitted: true }),
    headers: dlqHeaders,
  };
}
