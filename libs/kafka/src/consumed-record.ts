import type { KafkaMessage } from 'kafkajs';

/** One record as a handler sees it: the raw bytes plus where it came from. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | undefined>;
  /** Broker timestamp (ms since epoch, as a string, as Kafka gives it). */
  timestamp: string;
  /** Size of key plus value in bytes. */
  size: number;
}

export function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    headers[name] = first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    timestamp: message.timestamp,
    size: (message.key?.length ?? 0) + (message.value?.length ?? 0),
  };
}
