import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  Equals,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { ACTOR_KINDS, type ActorKind } from '../audit/vocabulary';

/**
 * EnforceRetention: an administrator asks the retention service for a run now, real or dry.
 * The command id becomes the run's id, so a redelivered command runs once, and the result is
 * read back by that id.
 */
export interface EnforceRetention {
  readonly type: 'EnforceRetention';
  readonly commandId: string;
  readonly dryRun: boolean;
  /** RFC 3339. */
  readonly requestedAt: string;
  readonly requestedBy: { readonly kind: ActorKind; readonly id: string; readonly displayName: string };
}

/** Every command goes to one partition, in order; any retention replica may take it. */
export const RETENTION_COMMAND_KEY = 'retention';

class RequesterDto {
  @IsIn(ACTOR_KINDS, { message: `must be one of ${ACTOR_KINDS.join(', ')}` })
  kind: ActorKind;

  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(256, { message: 'must be at most 256 characters' })
  id: string;

  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(256, { message: 'must be at most 256 characters' })
  displayName: string;
}

class EnforceRetentionDto {
  @Equals('EnforceRetention', { message: 'must be "EnforceRetention"' })
  type: 'EnforceRetention';

  @IsUUID('all', { message: 'must be a UUID' })
  commandId: string;

  @IsBoolean({ message: 'must be true or false' })
  dryRun: boolean;

  @IsString({ message: 'must be a string' })
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i, {
    message: 'must be an RFC 3339 timestamp with a time zone',
  })
  requestedAt: string;

  @IsObject({ message: 'must be an object {kind, id, displayName}' })
  @ValidateNested()
  @Type(() => RequesterDto)
  requestedBy: RequesterDto;
}

export type RetentionCommandParse = { ok: true; command: EnforceRetention } | { ok: false; reason: string };

/** Decodes and validates a record of retention.commands.v1. */
export function parseRetentionCommand(value: Buffer | string | null): RetentionCommandParse {
  let candidate: unknown;
  try {
    candidate = JSON.parse(value === null ? '' : value.toString());
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const errors = validateSync(plainToInstance(EnforceRetentionDto, candidate), {
    validationError: { target: false },
  });
  if (errors.length > 0) {
    const describe = (list: typeof errors, path: string): string[] =>
      list.flatMap((error) => [
        ...Object.values(error.constraints ?? {}).map((text) => `${path}${error.property}: ${text}`),
        ...describe(error.children ?? [], `${path}${error.property}.`),
      ]);
    return { ok: false, reason: describe(errors, '').join('; ') };
  }
  return { ok: true, command: candidate as EnforceRetention };
}

/** The Kafka message that carries a command. */
export function retentionCommandMessage(command: EnforceRetention): {
  key: string;
  value: string;
  headers: Record<string, string>;
} {
  return {
    key: RETENTION_COMMAND_KEY,
    value: JSON.stringify(command),
    headers: { 'content-type': 'application/json' },
  };
}
