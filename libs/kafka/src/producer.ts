import { metrics } from '@opentelemetry/api';
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import type { RecordSink } from '@meshtrail/contracts';

const meter = metrics.getMeter('meshtrail');
const producedRecords = meter.createCounter('meshtrail.kafka.producer.records', {
  description: 'Records the broker acknowledged, by topic',
});
const failedSends = meter.createCounter('meshtrail.kafka.producer.failures', {
  description: 'Sends that failed after the client exhausted its retries, by topic',
});

/**
 * The process's one producer, used by every publisher in it (access logs, telemetry, dead letters,
 * audit events, retention commands, replays). Idempotent, acks from all in-sync replicas, keys
 * hashed with murmur2 as the Java client does; connected on first use. Every send is awaited by
 * its caller: a broker failure is a rejected promise, never a silent drop. Closing runs the
 * registered flushes first, so publishers that buffer get their records out before it goes.
 */
export class KafkaProducer implements RecordSink {
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  private closed = false;
  private readonly flushes: Array<() => Promise<void>> = [];

  constructor(private readonly kafka: Kafka) {}

  private ready(): Promise<Producer> {
    if (this.closed) return Promise.reject(new Error('the Kafka producer is closed'));
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        // kafkajs' idempotent producer already sends one request at a time per broker (a lock);
        // saying 1 keeps a retried request from ever overtaking a later one, whatever the client
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // murmur2 on the key, as the Java client (and kcat -X partitioner=murmur2_random) does
        createPartitioner: Partitioners.DefaultPartitioner,
        // bounded (about 30 s): a caller must hear about an outage rather than wait forever
        retry: { retries: 10 },
      });
      try {
        await producer.connect();
      } catch (error) {
        this.connecting = undefined;
        throw error;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  async send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    try {
      const producer = await this.ready();
      const metadata = await producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
      producedRecords.add(messages.length, { topic });
      return metadata;
    } catch (error) {
      failedSends.add(1, { topic });
      throw error;
    }
  }

  /** Runs before the producer closes: a publisher that buffers sends what it holds. */
  flushBeforeClose(flush: () => Promise<void>): void {
    this.flushes.push(flush);
  }

  /** Flushes what publishers hold, then disconnects; later sends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(this.flushes.map((flush) => flush().catch(() => undefined)));
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  /** Nest calls this last (the Kafka module is global): consumers have stopped, the HTTP server has closed. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
