import { Injectable, Optional } from '@nestjs/common';
import { DatabaseConnection, rowsOf } from '@meshtrail/database';
import { deadLetterMessage, KafkaProducer, TopicNames, type DeadLetter, type KafkaMessage } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { DeadLetterBurstWatch } from './dead-letter-burst';
import { deadLetterTopicOf } from './dead-letter-topics';
import { insertDeadLetter } from './dead-letter.store';
import { deadLettersCounter } from './dead-letter.metrics';

/**
 * Dead letters of one batch go out in sends of at most this many bytes: each is bounded (far
 * below the topic's limit), but many of them in one record batch would not be.
 */
const MAX_SEND_BYTES = 900 * 1024;

function sizeOf(message: KafkaMessage): number {
  const bytes = (value: unknown) =>
    typeof value === 'string' ? Buffer.byteLength(value) : Buffer.isBuffer(value) ? value.length : 0;
  const headers = Object.entries(message.headers ?? {}).reduce(
    (sum, [name, value]) => sum + name.length + bytes(value),
    0,
  );
  return bytes(message.key) + bytes(message.value) + headers;
}

/** Consecutive runs of messages whose sizes add up to at most `limit` (a larger one alone). */
export function chunksOf(messages: KafkaMessage[], limit: number): KafkaMessage[][] {
  const chunks: KafkaMessage[][] = [];
  let current: KafkaMessage[] = [];
  let size = 0;
  for (const message of messages) {
    const next = sizeOf(message);
    if (current.length > 0 && size + next > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += next;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Where records that cannot be stored go. Each is stored whole in dead_letters first (once per
 * source offset and reason, so a redelivered batch adds nothing), then a bounded record naming
 * the row is published to its topic's dead-letter topic, when it has one. Resolves only after
 * both: the caller commits its offsets after that, so no refused record is ever lost.
 */
@Injectable()
export class DeadLetterQueue {
  private readonly logger = new AppLogger('DeadLetters');

  constructor(
    private readonly database: DatabaseConnection,
    private readonly producer: KafkaProducer,
    private readonly topics: TopicNames,
    @Optional() private readonly burst: DeadLetterBurstWatch = new DeadLetterBurstWatch(),
  ) {}

  async send(letters: DeadLetter[], now: Date = new Date()): Promise<void> {
    if (letters.length === 0) return;
    const stored = await this.database.transaction(async (session) => {
      const ids: Array<{ id: string; inserted: boolean }> = [];
      for (const letter of letters) ids.push(await insertDeadLetter(rowsOf(session), letter, now));
      return ids;
    });

    const byTopic = new Map<string, KafkaMessage[]>();
    letters.forEach((letter, index) => {
      const topic = deadLetterTopicOf(letter.record.topic, (name) => this.topics.topic(name));
      if (!topic) return;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), deadLetterMessage(letter, now, stored[index])]);
    });
    for (const [topic, messages] of byTopic) {
      for (const chunk of chunksOf(messages, MAX_SEND_BYTES)) await this.producer.send(topic, chunk);
    }

    this.burst.record(
      letters.filter((_, index) => stored[index].inserted).map(({ record }) => record.topic),
      now.getTime(),
    );
    letters.forEach(({ record, reason }, index) => {
      const { id, inserted } = stored[index];
      if (inserted) deadLettersCounter.add(1, { topic: record.topic, reason });
      // the reason and where, never the content: it may carry personal data
      this.logger.warn('Record Dead-Lettered', {
        reason,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        deadLetterId: id,
        ...(inserted ? {} : { redelivered: true }),
      });
    });
  }
}
