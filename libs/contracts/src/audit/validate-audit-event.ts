import 'reflect-metadata';
import { validateSync, type ValidationError } from 'class-validator';
import { jsonProblem, type JsonProblemKind } from '../storable/storable-json';
import { INDEXED_TEXT_MAX_BYTES } from '../storable/storable-text';
import { DEFAULT_OLDEST_EVENT_TIME, parseRfc3339, timeWindowProblem } from '../storable/storable-time';
import { canonicalJson, sha256Hex } from './canonical-json';
import { AUDIT_EVENT_JSON_LIMITS, MAX_ROLE_LENGTH } from './audit-limits';
import { AuditCloudEventDto, asAuditEventDto } from './audit-event.dto';
import type { AuditCloudEvent, ValidAuditEvent } from './audit-event';
import { compileDtoCheck } from './dto-fast-check';
import { EVENT_FAILURES, failure, type EventFailure } from './failure';
import { OBJECT_TYPES, WORKSPACE_SCOPED_TYPES, normaliseAction, normaliseObjectType } from './vocabulary';

export interface AuditValidationOptions {
  /** The validating side's clock. */
  now: Date;
  /** How far ahead of `now` an event's time may be (clock skew between producers and meshtrail). */
  maxFutureSkewMs: number;
  /** Events dated before this are refused (EVENT.TIME_OUT_OF_RANGE); default DEFAULT_OLDEST_EVENT_TIME. */
  oldest?: Date;
}

const DEFAULT_OLDEST = new Date(DEFAULT_OLDEST_EVENT_TIME);

const SHAPE_FAILURES: Record<JsonProblemKind, EventFailure['code']> = {
  TOO_DEEP: EVENT_FAILURES.TOO_DEEP,
  TOO_LARGE: EVENT_FAILURES.TOO_LARGE,
  INVALID_TEXT: EVENT_FAILURES.INVALID_TEXT,
  NOT_JSON: EVENT_FAILURES.INVALID_SCHEMA,
};

/** Most events pass: for them the compiled rules answer; the rest go to validateSync for its words. */
const passesAuditDto = compileDtoCheck(AuditCloudEventDto);

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

function requiredRole(event: AuditCloudEvent): string | undefined {
  const { objectType, action, changes } = event.data;
  if (objectType !== 'WorkspaceAccess' || (action !== 'granted' && action !== 'revoked')) return undefined;
  const side = action === 'granted' ? 'to' : 'from';
  const index = changes?.findIndex((entry) => entry.field === 'role') ?? -1;
  const role = index < 0 ? undefined : changes![index][side];
  if (typeof role === 'string' && role.length > MAX_ROLE_LENGTH) {
    return `data.changes[${index}].${side}: the role must be at most ${MAX_ROLE_LENGTH} characters`;
  }
  if (typeof role === 'string' && role.length > 0) return undefined;
  return `data.changes: a WorkspaceAccess ${action} event must name the role as {"field": "role", "${side}": "<role>"}`;
}

/**
 * The workspace index carries the change line beside the workspace (INCLUDE (change)), and a
 * btree entry has room for INDEXED_TEXT_MAX_BYTES of text.
 */
function indexedTextProblem(data: AuditCloudEvent['data']): string | undefined {
  const bytes = Buffer.byteLength(data.change, 'utf8') + Buffer.byteLength(data.workspace ?? '', 'utf8');
  if (bytes <= INDEXED_TEXT_MAX_BYTES) return undefined;
  return `data.change: ${bytes} bytes of UTF-8 together with data.workspace; the two may take at most ${INDEXED_TEXT_MAX_BYTES} (the workspace index holds both)`;
}

/**
 * Validates a decoded CloudEvent against the audit contract and brings object type and action
 * into canonical form. Whatever it accepts, PostgreSQL stores: the shape (depth, sizes, text) is
 * checked first, by one iterative walk, before anything recursive touches the value; the time is
 * read strictly and must lie in the window. Pure: the clock comes in through the options. Never
 * throws for any JSON value (nor for bigints, functions or cycles: refused).
 */
export function validateAuditEvent(
  candidate: unknown,
  options: AuditValidationOptions,
): ValidAuditEvent | EventFailure {
  if (!isPlainObject(candidate)) {
    return failure(EVENT_FAILURES.NOT_CLOUDEVENT, 'the value is JSON but not a CloudEvent: expected an object');
  }
  const shape = jsonProblem(candidate, AUDIT_EVENT_JSON_LIMITS);
  if (shape) return failure(SHAPE_FAILURES[shape.kind], `${shape.path || 'the event'}: ${shape.message}`);
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
  const errors = passesAuditDto(event)
    ? []
    : validateSync(asAuditEventDto(event as unknown as Record<string, unknown>), {
        validationError: { target: false },
      });
  if (errors.length > 0) return failure(EVENT_FAILURES.INVALID_SCHEMA, describe(errors).join('; '));

  if (WORKSPACE_SCOPED_TYPES.has(objectType) && event.data.workspace === undefined) {
    return failure(
      EVENT_FAILURES.INVALID_SCHEMA,
      `data.workspace: required for ${objectType} events (only global objects have none)`,
    );
  }
  const missingRole = requiredRole(event);
  if (missingRole) return failure(EVENT_FAILURES.INVALID_SCHEMA, missingRole);
  const indexed = indexedTextProblem(event.data);
  if (indexed) return failure(EVENT_FAILURES.TOO_LARGE, indexed);

  const time = parseRfc3339(event.time);
  if (!time.ok) return failure(EVENT_FAILURES.INVALID_SCHEMA, `time: ${JSON.stringify(event.time)} ${time.reason}`);
  const window = {
    now: options.now,
    oldest: options.oldest ?? DEFAULT_OLDEST,
    maxFutureSkewMs: options.maxFutureSkewMs,
  };
  const outside = timeWindowProblem(time.ms, window);
  if (outside) {
    const code = outside.kind === 'FUTURE' ? EVENT_FAILURES.TIME_IN_FUTURE : EVENT_FAILURES.TIME_OUT_OF_RANGE;
    return failure(code, `time: ${event.time} ${outside.message}`);
  }
  const json = canonicalJson(event);
  return { ok: true, event, occurredAt: new Date(time.ms), json, hash: sha256Hex(json) };
}
