import os from 'node:os';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { packAccessLogLines, serializeAccessLogRecord, TOPICS } from '@meshtrail/contracts';
import type { ServiceEnv } from '@meshtrail/config';
import { backoffDelay, KAFKA_CLIENT, KafkaProducer, TopicNames, type KafkaClient } from '@meshtrail/kafka';
import {
  AccessLogPublisher,
  BatchedLineWriter,
  createAccessLogMiddleware,
  TrustedProxies,
  type AccessLogMiddleware,
} from '@meshtrail/observability';
import { SERVICE_CONFIG, SERVICE_NAME } from './tokens';

/**
 * The access log of this service: the middleware bootstrapService mounts in front of everything,
 * writing each request's line to stdout and publishing its record to access-logs.v1 through its
 * own producer, so a shutdown can flush the records before that producer closes.
 */
@Injectable()
export class AccessLogCapture implements OnApplicationShutdown {
  readonly middleware?: AccessLogMiddleware;
  private readonly publisher?: AccessLogPublisher;
  private readonly producer?: KafkaProducer;
  private readonly flushTimeoutMs: number;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: KafkaClient,
    topics: TopicNames,
    @Inject(SERVICE_CONFIG) config: ServiceEnv,
    @Inject(SERVICE_NAME) service: string,
  ) {
    this.flushTimeoutMs = Math.min(5000, Math.floor(config.SHUTDOWN_TIMEOUT_MS / 3));
    if (!config.ACCESS_LOG_ENABLED) return;
    const producer = new KafkaProducer(kafka);
    const topic = topics.topic(TOPICS.accessLogs);
    const publisher = new AccessLogPublisher({
      publish: async (lines: string[]) => {
        await producer.send(
          topic,
          packAccessLogLines(lines).map((value) => ({ key: service, value })),
        );
      },
      bufferSize: config.ACCESS_LOG_BUFFER_SIZE,
      dropAfterMs: config.ACCESS_LOG_DROP_AFTER_MS,
      retryDelayMs: (attempt) => backoffDelay(attempt, { initialMs: 200, maxMs: 10_000 }),
    });
    const lines = config.ACCESS_LOG_STDOUT ? new BatchedLineWriter() : undefined;
    this.producer = producer;
    this.publisher = publisher;
    this.middleware = createAccessLogMiddleware({
      service,
      host: os.hostname(),
      trustedProxies: new TrustedProxies(config.ACCESS_LOG_TRUSTED_PROXIES),
      writeLine: lines && ((line) => lines.write(line)),
      publish: (record) => publisher.offer(serializeAccessLogRecord(record)),
    });
  }

  /** After the HTTP server closed: publish what is buffered, then close the producer. */
  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.close(this.flushTimeoutMs);
    await this.producer?.onApplicationShutdown();
  }
}
