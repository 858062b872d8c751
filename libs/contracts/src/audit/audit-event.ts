import type { ActorKind, AuditAction, ObjectType } from './vocabulary';

/** The shapes of a stored audit event, as plain read-only data (the DTO classes validate them). */
export interface AuditActor {
  readonly kind: ActorKind;
  readonly id: string;
  readonly displayName: string;
}

export interface AuditChange {
  readonly field: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

export interface AuditEventData {
  readonly objectType: ObjectType;
  readonly objectId: string;
  readonly objectName?: string;
  readonly action: AuditAction;
  /** Absent only for global objects. */
  readonly workspace?: string;
  readonly actor: AuditActor;
  /** One human line: "added jane@example.com as Workspace Manager". */
  readonly change: string;
  readonly changes?: readonly AuditChange[];
  readonly sourceIp?: string;
  readonly correlationId?: string;
}

/** A CloudEvents 1.0 audit event (structured mode), with object type and action in canonical form. */
export interface AuditCloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly time: string;
  readonly datacontenttype?: string;
  readonly data: AuditEventData;
  /** CloudEvents extension attributes are kept as they came. */
  readonly [extension: string]: unknown;
}

/** A record that passed validation: the event, when it happened, its canonical form and that form's hash. */
export interface ValidAuditEvent {
  ok: true;
  event: AuditCloudEvent;
  occurredAt: Date;
  /** canonicalJson(event): made once for the hash, and stored as the event's jsonb without serialising it again. */
  json: string;
  hash: string;
}

/** The Kafka key that keeps one workspace's events in order: the workspace, or "global". */
export const GLOBAL_KEY = 'global';

export function auditEventKey(data: Pick<AuditEventData, 'workspace'>): string {
  return data.workspace ?? GLOBAL_KEY;
}
