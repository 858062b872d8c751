import { randomBytes } from 'node:crypto';
import { createKafkaClient, toConsumedRecord, type ConsumedRecord } from '@meshtrail/kafka';
import { waitFor } from './poll';
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

  /** The records' values so far, parsed as JSON. */
  values<T = Record<string, unknown>>(): T[] {
    return this.records.map((record) => JSON.parse(record.value?.toString('utf8') ?? 'null') as T);
  }

  /** Waits until `count` values matching `match` have arrived, and returns them. */
  async waitForValues<T = Record<string, unknown>>(
    description: string,
    match: (value: T) => boolean,
    count = 1,
    timeoutMs = 30_000,
  ): Promise<T[]> {
    return waitFor(
      description,
      () => {
        const found = this.values<T>().filter(match);
        return found.length >= count ? found : undefined;
      },
      { timeoutMs },
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
