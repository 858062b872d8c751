import 'reflect-metadata';
import { validateSync, type ValidationError } from 'class-validator';
import { canonicalHash } from './canonical-json';
import { AuditActorDto, AuditChangeDto, AuditCloudEventDto, AuditEventDataDto } from './audit-event.dto';
import type { AuditCloudEvent, ValidAuditEvent } from './audit-event';
import { EVENT_FAILURES, failure, type EventFailure } from './failure';
import { OBJECT_TYPES, WORKSPACE_SCOPED_TYPES, normaliseAction, normaliseObjectType } from './vocabulary';

export interface AuditValidationOptions {
  /** The validating side's clock. */
  now: Date;
  /** How far ahead of `now` an event's time may be (clock skew between producers and meshtrail). */
  maxFutureSkewMs: number;
}

const REQUIRED_ATTRIBUTES = ['id', 'source', 'type'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "data.actor.kind: must be one of user, apiKey, system; time: must be ..." */
function describe(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((error) => {
    const name = `${path}${/^\d+$/.test(error.property) ? `[${error.property}]` : `${path ? '.' : ''}${error.property}`}`;
    const own = Object.values(error.constraints ?? {}).map((text) => `${name}: ${text}`);
    return [...own, ...describe(error.children ?? [], name)];
  });
}

/** PostgreSQL cannot store U+0000 in text or jsonb: refused here rather than failing a whole batch there. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item));
  }
  return false;
}

const instanceOf = <T>(dto: new () => T, plain: unknown): T =>
  isPlainObject(plain) ? (Object.assign(Object.create(dto.prototype) as object, plain) as T) : (plain as T);

/**
 * The event as DTO instances, for class-validator (what plainToInstance does with the DTOs' @Type
 * hints, at a thirtieth of its cost: this runs for every ingested event).
 */
function toDto(event: Record<string, unknown>): AuditCloudEventDto {
  const root = instanceOf(AuditCloudEventDto, event);
  const data = instanceOf(AuditEventDataDto, event.data);
  data.actor = instanceOf(AuditActorDto, data.actor);
  if (Array.isArray(data.changes)) data.changes = data.changes.map((change) => instanceOf(AuditChangeDto, change));
  root.data = data;
  return root;
}

function requiredRole(event: AuditCloudEvent): string | undefined {
  const { objectType, action, changes } = event.data;
  if (objectType !== 'WorkspaceAccess' || (action !== 'granted' && action !== 'revoked')) return undefined;
  const side = action === 'granted' ? 'to' : 'from';
  const role = changes?.find((entry) => entry.field === 'role')?.[side];
  if (typeof role === 'string' && role.length > 0) return undefined;
  return `data.changes: a WorkspaceAccess ${action} event must name the role as {"field": "role", "${side}": "<role>"}`;
}

/**
 * Validates a decoded CloudEvent against the audit contract and brings object type and action
 * into canonical form. Pure: the clock comes in through the options.
 */
export function validateAuditEvent(
  candidate: unknown,
  options: AuditValidationOptions,
): ValidAuditEvent | EventFailure {
  if (!isPlainObject(candidate)) {
    return failure(EVENT_FAILURES.NOT_CLOUDEVENT, 'the value is JSON but not a CloudEvent: expected an object');
  }
  if (candidate.specversion === undefined) {
    return failure(EVENT_FAILURES.NOT_CLOUDEVENT, 'specversion is missing: not a CloudEvent');
  }
  if (candidate.specversion !== '1.0') {
    return failure(
      EVENT_FAILURES.NOT_CLOUDEVENT,
      `specversion: must be "1.0" (got ${JSON.stringify(candidate.specversion)})`,
    );
  }
  const missing = REQUIRED_ATTRIBUTES.filter((name) => candidate[name] === undefined || candidate[name] === null);
  if (missing.length > 0) {
    return failure(EVENT_FAILURES.NOT_CLOUDEVENT, `${missing.join(', ')}: required CloudEvents attribute missing`);
  }
  const data = candidate.data;
  if (!isPlainObject(data)) {
    return failure(EVENT_FAILURES.INVALID_SCHEMA, 'data: must be an object with the audit facts');
  }
  const objectType = normaliseObjectType(data.objectType);
  if (!objectType) {
    return failure(
      EVENT_FAILURES.UNKNOWN_OBJECT_TYPE,
      `data.objectType: ${JSON.stringify(data.objectType ?? null)} is not a known object type (known: ${OBJECT_TYPES.join(', ')})`,
    );
  }
  const action = normaliseAction(data.action);
  if (!action) {
    return failure(
      EVENT_FAILURES.UNKNOWN_ACTION,
      `data.action: ${JSON.stringify(data.action ?? null)} is not a known action (created, updated, deleted, runs_requested, granted, revoked, or an alias: add, create, change, remove, delete)`,
    );
  }
  if (data.actor === undefined || data.actor === null) {
    return failure(EVENT_FAILURES.NO_ACTOR, 'data.actor: required — who did it, as {kind, id, displayName}');
  }

  const event = { ...candidate, data: { ...data, objectType, action } } as unknown as AuditCloudEvent;
  const errors = validateSync(toDto(event as unknown as Record<string, unknown>), {
    validationError: { target: false },
  });
  if (errors.length > 0) return failure(EVENT_FAILURES.INVALID_SCHEMA, describe(errors).join('; '));

  if (WORKSPACE_SCOPED_TYPES.has(objectType) && event.data.workspace === undefined) {
    return failure(
      EVENT_FAILURES.INVALID_SCHEMA,
      `data.workspace: required for ${objectType} events (only global objects have none)`,
    );
  }
  if (containsNul(event)) {
    return failure(
      EVENT_FAILURES.INVALID_SCHEMA,
      'the event contains a NUL character (\\u0000), which cannot be stored',
    );
  }
  const missingRole = requiredRole(event);
  if (missingRole) return failure(EVENT_FAILURES.INVALID_SCHEMA, missingRole);

  const occurredAt = new Date(event.time);
  if (Number.isNaN(occurredAt.getTime())) {
    return failure(EVENT_FAILURES.INVALID_SCHEMA, `time: ${JSON.stringify(event.time)} is not a real date`);
  }
  if (occurredAt.getTime() > options.now.getTime() + options.maxFutureSkewMs) {
    return failure(
      EVENT_FAILURES.TIME_IN_FUTURE,
      `time: ${event.time} is more than ${Math.round(options.maxFutureSkewMs / 1000)} s ahead of the ingest clock (${options.now.toISOString()})`,
    );
  }
  return { ok: true, event, occurredAt, hash: canonicalHash(event) };
}
