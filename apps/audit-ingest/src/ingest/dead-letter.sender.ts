import { Injectable } from '@nestjs/common';
import { TOPICS } from '@meshtrail/contracts';
import { deadLetterMessage, KafkaProducer, TopicNames, type DeadLetter } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { deadLetters } from './audit.metrics';

/**
 * Sends refused records to audit.events.dlq.v1 and waits for the broker's ack: the caller
 * commits the batch's offsets only after this resolved, so no refused record is ever lost.
 */
@Injectable()
export class DeadLetterSender {
  private readonly logger = new AppLogger('DeadLetters');

  constructor(
    private readonly producer: KafkaProducer,
    private readonly topics: TopicNames,
  ) {}

  async send(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const now = new Date();
    await this.producer.send(
      this.topics.topic(TOPICS.auditEventsDeadLetter),
      letters.map((letter) => deadLetterMessage(letter, now)),
    );
    for (const { record, reason } of letters) {
      deadLetters.add(1, { reason });
      // the reason and where, never the content: it may carry personal data
      this.logger.warn('Record Dead-Lettered', {
        reason,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
      });
    }
  }
}
