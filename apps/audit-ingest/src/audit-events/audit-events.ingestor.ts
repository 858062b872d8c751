import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  probeAuditStore,
  storeAuditRows,
  type IncomingAuditEvent,
  type StorableAuditEvent,
} from '@meshtrail/audit-store';
import { EVENT_FAILURES, TOPICS, grantAuthorityFailure, validateAuditEvent } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import { TopicNames, type BatchContext, type ConsumedRecord, type DeadLetter } from '@meshtrail/kafka';
import { AppLogger, traceBatchWrite } from '@meshtrail/observability';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import { eventTimeWindow, type AuditIngestEnv } from '../audit-ingest.env';
import { duplicatesSkipped, eventsIngested } from '../ingest/audit.metrics';
import type { ValidatedRecord } from '../validation/validation-request';
import { ValidationThreads } from '../validation/validation-threads';
import { TrailProjector } from '../projection/trail-projector';

type Incoming = StorableAuditEvent & Pick<ValidatedRecord, 'objectType' | 'action'> & { record: ConsumedRecord };

/**
 * One batch of audit.events.v1 or access.grants.v1: validate every record, refuse WorkspaceAccess
 * events that did not come from the grants topic (and anything else that did), store the valid
 * ones exactly once in one transaction, dead-letter the rest (and conflicting redeliveries), and
 * only then let the consumer commit. Any failure throws: the whole batch is retried, and the store is idempotent.
 */
@Injectable()
export class AuditEventsIngestor {
  private readonly logger = new AppLogger('AuditEvents');

  constructor(
    private readonly database: DatabaseConnection,
    private readonly deadLetters: DeadLetterQueue,
    private readonly validation: ValidationThreads,
    @Inject(SERVICE_CONFIG) private readonly config: AuditIngestEnv,
    private readonly topics: TopicNames,
    private readonly projector: TrailProjector,
  ) {}

  /**
   * Writes a synthetic event the way a batch would and rolls it back: throws when the write path
   * is broken. The consumer asks before calling a run of failing records their own fault.
   */
  async probe(): Promise<void> {
    const now = new Date();
    const checked = validateAuditEvent(
      {
        specversion: '1.0',
        id: `meshtrail-probe-${randomUUID()}`,
        source: 'meshtrail/audit-ingest',
        type: 'meshtrail.probe',
        time: now.toISOString(),
        data: {
          objectType: 'Project',
          objectId: 'meshtrail-probe',
          action: 'created',
          workspace: 'meshtrail-probe',
          actor: { kind: 'system', id: 'audit-ingest', displayName: 'audit-ingest' },
          change: 'write-path probe, rolled back',
        },
      },
      { now, maxFutureSkewMs: 0 },
    );
    if (!checked.ok) throw new Error(`the probe event is invalid: ${checked.message}`);
    const event: IncomingAuditEvent = { ...checked, topic: 'meshtrail.probe', partition: 0, offset: '0' };
    await this.database.withClient((client) => probeAuditStore(client, event));
  }

  async ingest(records: ConsumedRecord[], context: BatchContext): Promise<void> {
    const started = Date.now();
    const options = eventTimeWindow(this.config, new Date());
    const valid: Incoming[] = [];
    const refused: DeadLetter[] = [];
    const results = await this.validation.validate(records, options);
    const grantsTopic = this.topics.topic(TOPICS.accessGrants);
    for (const [index, record] of records.entries()) {
      const result = results[index];
      const misplaced = result.ok ? grantAuthorityFailure(result, record.topic === grantsTopic) : undefined;
      if (misplaced) {
        refused.push({ record, reason: misplaced.code, message: misplaced.message });
        this.logger.warn('Grant Refused', {
          reason: misplaced.code,
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
        });
      } else if (result.ok) {
        const { id, occurredAt, hash, rowText, objectType, action } = result;
        const position = { topic: record.topic, partition: record.partition, offset: record.offset };
        valid.push({ id, occurredAt, hash, rowText, objectType, action, ...position, record });
      } else refused.push({ record, reason: result.code, message: result.message });
    }

    const outcome = await traceBatchWrite(
      'audit_events',
      valid.map((item) => item.record),
      () => this.database.withClient((client) => storeAuditRows(client, valid)),
      (written) => written.stored.length,
    );
    for (const { event, storedHash } of outcome.conflicts) {
      refused.push({
        record: event.record,
        reason: EVENT_FAILURES.CONFLICTING_DUPLICATE,
        message: `id: "${event.id}" was stored before with other content (stored hash ${storedHash}, this one ${event.hash}); the stored event stands`,
      });
    }
    if (outcome.stored.length > 0) this.projector.trailCommitted();
    await this.deadLetters.send(refused);

    const byKind = new Map<string, { object_type: string; action: string; n: number }>();
    for (const { objectType, action } of outcome.stored) {
      const key = `${objectType}/${action}`;
      const entry = byKind.get(key) ?? { object_type: objectType, action, n: 0 };
      entry.n++;
      byKind.set(key, entry);
    }
    for (const { n, ...attributes } of byKind.values()) eventsIngested.add(n, attributes);
    if (outcome.duplicates.length > 0) duplicatesSkipped.add(outcome.duplicates.length, { topic: context.topic });
    this.logger.info('Events Ingested', {
      topic: context.topic,
      partition: context.partition,
      count: outcome.stored.length,
      deadLetters: refused.length,
      duplicates: outcome.duplicates.length,
      durationMs: Date.now() - started,
    });
  }
}
