import { randomBytes } from 'node:crypto';
import { createKafkaClient, toConsumedRecord, type ConsumedRecord } from '@meshtrail/kafka';
import { kafkaBrokers } from './run-id';

/** Reads a topic from the beginning with a consumer group of its own, collecting every record. */
export class TopicReader {
  readonly records: ConsumedRecord[] = [];
  private readonly consumer;

  private constructor(brokers: string[]) {
    const kafka = createKafkaClient({ KAFKA_BROKERS: brokers, KAFKA_SSL: false }, 'meshtrail-test-reader');
    this.consumer = kafka.consumer({ groupId: `meshtrail-test-reader-${randomBytes(4).toString('hex')}` });
  }

  static async start(topic: string, brokers: string[] = kafkaBrokers()): Promise<TopicReader> {
    const reader = new TopicReader(brokers);
    await reader.consumer.connect();
    await reader.consumer.subscribe({ topics: [topic], fromBeginning: true });
    await reader.consumer.run({
      eachMessage: async ({ topic: from, partition, message }) => {
        reader.records.push(toConsumedRecord(from, partition, message));
      },
    });
    return reader;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
