import { randomUUID } from 'node:crypto';
import type { RecordSink } from '../record-sink';
import { prefixedTopic, TOPICS } from '../topics';
import { auditEventKey, type AuditCloudEvent, type AuditEventData } from './audit-event';
import type { EventFailureCode } from './failure';
import { grantAuthorityFailure } from './grant-authority';
import { validateAuditEvent } from './validate-audit-event';
import { normaliseAction, normaliseObjectType } from './vocabulary';

/** What a producer supplies; the envelope attributes it leaves out are filled in. */
export interface AuditEventInput {
  /** Idempotency key: publishing the same id again stores nothing new. Default: a random UUID. */
  id?: string;
  /** When it happened. Default: now. */
  time?: Date | string;
  /** Default: meshstack.<objecttype>.<action> in canonical form, e.g. meshstack.project.created. */
  type?: string;
  /** Default: data.objectId. */
  subject?: string;
  data: Omit<AuditEventData, 'objectType' | 'action'> & { objectType: string; action: string };
}

export interface AuditEventPublisherOptions {
  /** Sends and waits for the broker's acknowledgement: meshtrail's producer, or your own client's. */
  sink: RecordSink;
  /** CloudEvents source of every event this publisher sends, e.g. "meshstack/project-service". */
  source: string;
  /** KAFKA_TOPIC_PREFIX of the meshtrail installation, if any. */
  topicPrefix?: string;
  /**
   * Where the events go: audit.events.v1 (the default), or access.grants.v1 for the identity
   * components that grant and revoke workspace access (WorkspaceAccess events, nothing else).
   */
  topic?: typeof TOPICS.auditEvents | typeof TOPICS.accessGrants;
  /** Clock skew tolerated for future timestamps; meshtrail's default is 5 minutes. */
  maxFutureSkewMs?: number;
  now?: () => Date;
}

/** A refused event: nothing of the call was sent. */
export class AuditEventRejectedError extends Error {
  constructor(
    readonly index: number,
    readonly code: EventFailureCode,
    readonly detail: string,
  ) {
    super(`audit event #${index} refused (${code}): ${detail}`);
    this.name = 'AuditEventRejectedError';
  }
}

export interface PublishedAuditEvent {
  id: string;
  key: string;
}

/**
 * Publishes audit events to audit.events.v1 as CloudEvents (structured JSON mode). Validates
 * locally with the same rules meshtrail applies, keys each event by its workspace so one
 * workspace's events stay in order (the sink hashes the key as the Java client does), and
 * resolves only once the sink has the broker's acknowledgement for every event. The connection
 * is the sink's: this class holds no client of its own.
 */
export class AuditEventPublisher {
  private readonly topic: string;
  private readonly grantsTopic: boolean;

  constructor(private readonly options: AuditEventPublisherOptions) {
    this.topic = prefixedTopic(options.topic ?? TOPICS.auditEvents, options.topicPrefix ?? '');
    this.grantsTopic = (options.topic ?? TOPICS.auditEvents) === TOPICS.accessGrants;
  }

  /** The CloudEvent an input becomes (exposed for producers that send through other clients). */
  toCloudEvent(input: AuditEventInput): AuditCloudEvent {
    const objectType = normaliseObjectType(input.data.objectType) ?? input.data.objectType;
    const action = normaliseAction(input.data.action) ?? input.data.action;
    const time = input.time ?? this.options.now?.() ?? new Date();
    return {
      specversion: '1.0',
      id: input.id ?? randomUUID(),
      source: this.options.source,
      type: input.type ?? `meshstack.${objectType.toLowerCase()}.${action.toLowerCase()}`,
      subject: input.subject ?? input.data.objectId,
      time: typeof time === 'string' ? time : time.toISOString(),
      datacontenttype: 'application/json',
      data: input.data as AuditEventData,
    };
  }

  /** Validates every event first (all or nothing), then sends them and waits for the broker's ack. */
  async publish(inputs: AuditEventInput | AuditEventInput[]): Promise<PublishedAuditEvent[]> {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const now = this.options.now?.() ?? new Date();
    const events = list.map((input, index) => {
      const result = validateAuditEvent(this.toCloudEvent(input), {
        now,
        maxFutureSkewMs: this.options.maxFutureSkewMs ?? 300_000,
      });
      if (!result.ok) throw new AuditEventRejectedError(index, result.code, result.message);
      // meshtrail would dead-letter it: refuse it here, where the producer can still act
      const misplaced = grantAuthorityFailure(result.event.data, this.grantsTopic);
      if (misplaced) throw new AuditEventRejectedError(index, misplaced.code, misplaced.message);
      return result.event;
    });
    if (events.length === 0) return [];
    const messages = events.map((event) => ({
      key: auditEventKey(event.data),
      value: JSON.stringify(event),
      headers: { 'content-type': 'application/cloudevents+json' },
    }));
    await this.options.sink.send(this.topic, messages);
    return events.map((event, index) => ({ id: event.id, key: messages[index].key }));
  }
}
