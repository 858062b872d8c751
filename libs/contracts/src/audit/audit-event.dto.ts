import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { RFC3339 } from '../storable/storable-time';
import { ACTIONS, ACTOR_KINDS, OBJECT_TYPES, type ActorKind, type AuditAction, type ObjectType } from './vocabulary';

/**
 * At most `max` characters as String#length counts them (UTF-16 code units), so at most 3 × `max`
 * bytes of UTF-8: what the indexes on these columns are sized for. (class-validator's MaxLength
 * counts a character with a variation selector as one, which lets the bytes grow unbounded.)
 */
function MaxChars(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxChars',
    constraints: [max],
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || value.length <= max,
      defaultMessage: () => `must be at most ${max} characters`,
    },
  });
}

/** A required string: present, not empty, at most `max` characters. */
function RequiredText(max: number): PropertyDecorator {
  return (target, key) => {
    IsString({ message: 'must be a string' })(target, key);
    IsNotEmpty({ message: 'must not be empty' })(target, key);
    MaxChars(max)(target, key);
  };
}

/** An optional string of at most `max` characters. */
function OptionalText(max: number): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    IsString({ message: 'must be a string' })(target, key);
    MaxChars(max)(target, key);
  };
}

/** Text the trail takes as one line: its change line, and what goes into it (an API key's name). */
export const ONE_LINE = /^[^\r\n]*$/;

/** Who did it: a person, an API key, or the platform itself. */
export class AuditActorDto {
  @IsIn(ACTOR_KINDS, { message: `must be one of ${ACTOR_KINDS.join(', ')}` })
  kind: ActorKind;

  @RequiredText(256)
  id: string;

  @RequiredText(256)
  displayName: string;
}

/** One entry of the structured diff. */
export class AuditChangeDto {
  @RequiredText(256)
  field: string;

  /** Any JSON value (absent or null when the field had no value before). */
  from?: unknown;

  /** Any JSON value (absent or null when the field has no value after). */
  to?: unknown;
}

/** The audit facts a CloudEvent's data carries. */
export class AuditEventDataDto {
  @IsIn(OBJECT_TYPES, { message: 'must be a known object type' })
  objectType: ObjectType;

  @RequiredText(256)
  objectId: string;

  @OptionalText(512)
  objectName?: string;

  @IsIn(ACTIONS, { message: `must be one of ${ACTIONS.join(', ')}` })
  action: AuditAction;

  /** Absent only for global objects. */
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty (leave it out for global objects)' })
  @MaxChars(256)
  workspace?: string;

  @IsObject({ message: 'must be an object {kind, id, displayName}' })
  @ValidateNested()
  @Type(() => AuditActorDto)
  actor: AuditActorDto;

  /** One human line, e.g. "added jane@example.com as Workspace Manager". */
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @Matches(ONE_LINE, { message: 'must be one line (no line breaks)' })
  @MaxChars(4096)
  change: string;

  @IsOptional()
  @IsArray({ message: 'must be an array of {field, from, to}' })
  @ValidateNested({ each: true })
  @Type(() => AuditChangeDto)
  changes?: AuditChangeDto[];

  @OptionalText(64)
  sourceIp?: string;

  @OptionalText(256)
  correlationId?: string;
}

/** The CloudEvents 1.0 envelope (structured mode), with meshtrail's required attributes. */
export class AuditCloudEventDto {
  @Equals('1.0', { message: 'must be "1.0"' })
  specversion: '1.0';

  /** The producer's idempotency key. */
  @RequiredText(256)
  id: string;

  /** The component that published it. */
  @RequiredText(512)
  source: string;

  /** For example meshstack.project.created. */
  @RequiredText(256)
  type: string;

  @OptionalText(512)
  subject?: string;

  /** When it happened (RFC 3339, with a time zone). */
  @IsString({ message: 'must be an RFC 3339 timestamp such as 2026-11-23T10:15:00Z' })
  @Matches(RFC3339, { message: 'must be an RFC 3339 timestamp with a time zone, such as 2026-11-23T10:15:00Z' })
  time: string;

  @IsOptional()
  @IsString({ message: 'must be a string' })
  datacontenttype?: string;

  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => AuditEventDataDto)
  data: AuditEventDataDto;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A plain object as an instance of `dto` for class-validator. Own `constructor` and `__proto__`
 * keys are left out: class-validator picks a value's rules by its `constructor` (an event naming
 * one would crash or dodge validation), and assigning `__proto__` would replace the prototype.
 */
function instanceOf<T>(dto: new () => T, plain: unknown): T {
  if (!isPlainObject(plain)) return plain as T;
  const instance = Object.create(dto.prototype) as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    if (key !== 'constructor' && key !== '__proto__') instance[key] = plain[key];
  }
  return instance as T;
}

/**
 * The event as DTO instances, for class-validator (what plainToInstance does with the DTOs' @Type
 * hints, at a thirtieth of its cost: this runs for every event that the compiled check refuses).
 */
export function asAuditEventDto(event: Record<string, unknown>): AuditCloudEventDto {
  const root = instanceOf(AuditCloudEventDto, event);
  const data = instanceOf(AuditEventDataDto, event.data);
  if (isPlainObject(data)) {
    data.actor = instanceOf(AuditActorDto, data.actor);
    if (Array.isArray(data.changes)) data.changes = data.changes.map((change) => instanceOf(AuditChangeDto, change));
    root.data = data;
  }
  return root;
}
