import { Inject, Injectable } from '@nestjs/common';
import { AuditEventPublisher } from '@meshtrail/contracts';
import { ApiError } from '@meshtrail/auth';
import { KAFKA_OPTIONS, KafkaProducer, type KafkaModuleOptions } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { AUDIT_VIEW_SOURCE, auditLogViewedEvent, type AuditLogView } from './audit-log-viewed';

export const AUDIT_VIEW_TIMEOUT_MS = Symbol('AUDIT_VIEW_TIMEOUT_MS');

/**
 * Publishes an AuditLogViewed event for every read of the audit log, through the audit contract's
 * publisher (validated, keyed by workspace, acknowledged by the broker). A read whose event cannot
 * be published in time is refused with 503: no one reads the trail without leaving a trace.
 */
@Injectable()
export class AuditViewRecorder {
  private readonly logger = new AppLogger('AuditViews');
  private readonly publisher: AuditEventPublisher;

  constructor(
    producer: KafkaProducer,
    @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions,
    @Inject(AUDIT_VIEW_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {
    this.publisher = new AuditEventPublisher({
      sink: producer,
      source: AUDIT_VIEW_SOURCE,
      topicPrefix: options.topicPrefix,
    });
  }

  async record(view: AuditLogView): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not acknowledged within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.publisher.publish(auditLogViewedEvent(view)), timeout]);
    } catch (error) {
      this.logger.error('Audit View Not Recorded', { operation: view.operation, error: (error as Error).message });
      throw new ApiError(
        503,
        'AUDIT.UNAVAILABLE',
        'the read could not be recorded in the audit trail; try again later',
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
