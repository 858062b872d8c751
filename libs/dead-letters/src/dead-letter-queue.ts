import { Injectable } from '@nestjs/common';
import type { Message } from 'kafkajs';
import { DatabaseConnection, inTransaction } from '@meshtrail/database';
import { deadLetterMessage, KafkaProducer, TopicNames, type DeadLetter } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { deadLetterTopicOf } from './dead-letter-topics';
import { insertDeadLetter } from './dead-letter.store';
import { deadLettersCounter } from './dead-letter.metrics';

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
  ) {}

  async send(letters: DeadLetter[], now: Date = new Date()): Promise<void> {
    if (letters.length === 0) return;
    const stored = await this.database.withClient((client) =>
      inTransaction(client, async () => {
        const ids: Array<{ id: string; inserted: boolean }> = [];
        for (const letter of letters) ids.push(await insertDeadLetter(client, letter, now));
        return ids;
      }),
    );

    const byTopic = new Map<string, Message[]>();
    letters.forEach((letter, index) => {
      const topic = deadLetterTopicOf(letter.record.topic, (name) => this.topics.topic(name));
      if (!topic) return;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), deadLetterMessage(letter, now, stored[index])]);
    });
    for (const [topic, messages] of byTopic) await this.producer.send(topic, messages);

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
