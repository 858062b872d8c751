import os from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import { packAccessLogLines, serializeAccessLogRecord, TOPICS } from '@meshtrail/contracts';
import type { ServiceEnv } from '@meshtrail/config';
import { backoffDelay, KafkaProducer, TopicNames } from '@meshtrail/kafka';
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
 * writing each request's line to stdout and publishing its record to access-logs.v1 through the
 * process's producer, which flushes the buffered records before it closes (after the HTTP server).
 */
@Injectable()
export class AccessLogCapture {
  readonly middleware?: AccessLogMiddleware;
  /** The stream's publisher, for the health component; absent when access logging is off. */
  readonly publisher?: AccessLogPublisher;

  constructor(
    producer: KafkaProducer,
    topics: TopicNames,
    @Inject(SERVICE_CONFIG) config: ServiceEnv,
    @Inject(SERVICE_NAME) service: string,
  ) {
    if (!config.ACCESS_LOG_ENABLED) return;
    const flushTimeoutMs = Math.min(5000, Math.floor(config.SHUTDOWN_TIMEOUT_MS / 3));
    const topic = topics.topic(TOPICS.accessLogs);
    const publisher = (this.publisher = new AccessLogPublisher({
      publish: async (lines: string[]) => {
        await producer.send(
          topic,
          packAccessLogLines(lines).map((value) => ({ key: service, value })),
        );
      },
      bufferSize: config.ACCESS_LOG_BUFFER_SIZE,
      maxBytes: config.ACCESS_LOG_BUFFER_MAX_BYTES,
      dropAfterMs: config.ACCESS_LOG_DROP_AFTER_MS,
      retryDelayMs: (attempt) => backoffDelay(attempt, { initialMs: 200, maxMs: 10_000 }),
    }));
    producer.flushBeforeClose(() => publisher.close(flushTimeoutMs));
    const lines = config.ACCESS_LOG_STDOUT ? new BatchedLineWriter() : undefined;
    this.middleware = createAccessLogMiddleware({
      service,
      host: os.hostname(),
      trustedProxies: new TrustedProxies(config.ACCESS_LOG_TRUSTED_PROXIES),
      writeLine: lines && ((line) => lines.write(line)),
      publish: (record) => publisher.offer(serializeAccessLogRecord(record)),
    });
  }
}
