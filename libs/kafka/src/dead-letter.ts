import type { Message } from 'kafkajs';
import { DEAD_LETTER_REASON_HEADER, type DeadLetterRecord } from '@meshtrail/contracts';
import type { ConsumedRecord } from './consumed-record';

/** A record that cannot be stored, and why. */
export interface DeadLetter {
  record: ConsumedRecord;
  reason: string;
  message: string;
}

/** The dead-letter topic's record for a refused one: reason, original bytes, key, headers and origin. */
export function deadLetterMessage(letter: DeadLetter, now: Date = new Date()): Message {
  const { record } = letter;
  const value: DeadLetterRecord = {
    reason: letter.reason,
    message: letter.message,
    source: { topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp },
    key: record.key === null ? null : record.key.toString('utf8'),
    headers: record.headers,
    valueBase64: record.value === null ? null : record.value.toString('base64'),
    deadLetteredAt: now.toISOString(),
  };
  return {
    key: record.key,
    value: JSON.stringify(value),
    headers: { [DEAD_LETTER_REASON_HEADER]: letter.reason, 'content-type': 'application/json' },
  };
}
