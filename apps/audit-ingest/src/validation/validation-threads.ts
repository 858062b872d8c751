import path from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AuditValidationOptions } from '@meshtrail/contracts';
import type { ConsumedRecord } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import type { AuditIngestEnv } from '../audit-ingest.env';
import { packRequest, type ValidationRequest, type ValidationResult } from './validation-request';
import { WorkerPool } from './worker-pool';

/**
 * How long one batch may take, waiting for a thread included. A batch is at most
 * AUDIT_INGEST_MAX_BATCH_BYTES (64 MiB at the most), which a thread validates in seconds; a thread
 * that takes a minute is stuck, and is replaced, while the batch fails and its partition retries
 * with backoff.
 */
export const VALIDATION_TIMEOUT_MS = 60_000;

/**
 * Validates batches of audit.events.v1 on worker threads, so that the main thread stays free for
 * Kafka and the database: a writer holding the store's write lock never waits for this process to
 * finish validating another partition's batch.
 */
@Injectable()
export class ValidationThreads implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new AppLogger('ValidationThreads');
  private pool?: WorkerPool<ValidationRequest, ValidationResult[]>;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: AuditIngestEnv) {}

  onModuleInit(): void {
    this.pool = new WorkerPool(path.join(__dirname, 'validation.worker.js'), {
      threads: this.config.AUDIT_INGEST_VALIDATION_THREADS,
      taskTimeoutMs: VALIDATION_TIMEOUT_MS,
      onReplaced: () => this.logger.warn('Validation Thread Replaced'),
      onError: (error) => this.logger.warn('Validation Thread Failed', { error }),
    });
  }

  async validate(records: ConsumedRecord[], options: AuditValidationOptions): Promise<ValidationResult[]> {
    const request = packRequest(records, options);
    return this.pool!.run(request, [request.values]);
  }

  /** After the consumers stopped (beforeApplicationShutdown): no batch needs a thread any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }
}
