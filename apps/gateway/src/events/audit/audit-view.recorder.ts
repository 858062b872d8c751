import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AuditEventPublisher } from '@meshtrail/contracts';
import { ApiError } from '@meshtrail/auth';
import { KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions, type KafkaClient } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { auditLogViewedEvent, type AuditLogView } from './audit-log-viewed';

export const AUDIT_VIEW_TIMEOUT_MS = Symbol('AUDIT_VIEW_TIMEOUT_MS');

/**
 * Publishes an AuditLogViewed event for every read of the audit log, through the audit contract's
 * publisher (validated, keyed by workspace, acknowledged by the broker). A read whose event cannot
 * be published in time is refused with 503: no one reads the trail without leaving a trace.
 */
@Injectable()
export class AuditViewRecorder implements OnApplicationShutdown {
  private readonly logger = new AppLogger('AuditViews');
  private readonly publisher: AuditEventPublisher;
  private connecting?: Promise<void>;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: KafkaClient,
    @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions,
    @Inject(AUDIT_VIEW_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {
    this.publisher = new AuditEventPublisher({ kafka, source: 'meshtrail/gateway', topicPrefix: options.topicPrefix });
  }

  async record(view: AuditLogView): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not acknowledged within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.publish(view), timeout]);
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

  private async publish(view: AuditLogView): Promise<void> {
    this.connecting ??= this.publisher.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
    await this.publisher.publish(auditLogViewedEvent(view));
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.connecting) return;
    await this.connecting.catch(() => undefined);
    await this.publisher.disconnect().catch(() => undefined);
  }
}
