import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ACTIONS, OBJECT_TYPES } from '@meshtrail/contracts';
import { EXPORT_FORMATS } from '../export/export-format';

export const ONCE = { message: '$property must be given once, as a string' };
export const MAX_LIMIT = 1000;

/** Filters of the event-log queries; every one must hold. The same filters are available in `q`. */
export class EventFilterDto {
  @ApiPropertyOptional({
    description: "Workspace id, or a workspace's current or former name (exact, any letter case)",
    example: 'ws-1',
  })
  @IsOptional()
  @IsString(ONCE)
  workspace?: string;

  @ApiPropertyOptional({ description: 'Object type (any letter case)', enum: OBJECT_TYPES, example: 'Project' })
  @IsOptional()
  @IsString(ONCE)
  objectType?: string;

  @ApiPropertyOptional({ description: 'Object id', example: 'p-42' })
  @IsOptional()
  @IsString(ONCE)
  objectId?: string;

  @ApiPropertyOptional({ description: 'Object name (exact, any letter case)', example: 'payments-prod' })
  @IsOptional()
  @IsString(ONCE)
  objectName?: string;

  @ApiPropertyOptional({
    description: 'Action, or an alias: add/create → created, change/update → updated, remove/delete → deleted',
    enum: ACTIONS,
    example: 'deleted',
  })
  @IsOptional()
  @IsString(ONCE)
  action?: string;

  @ApiPropertyOptional({
    description: "Actor id (exact), or the actor's name or e-mail (any letter case)",
    example: 'jane@example.com',
  })
  @IsOptional()
  @IsString(ONCE)
  actor?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the change line', example: 'Workspace Manager' })
  @IsOptional()
  @IsString(ONCE)
  change?: string;

  @ApiPropertyOptional({
    description: 'CloudEvents source (the publishing component)',
    example: 'meshstack/project-service',
  })
  @IsOptional()
  @IsString(ONCE)
  source?: string;

  @ApiPropertyOptional({
    description:
      'audit (platform audit events) or auth (Keycloak login and admin events, admins only); both when absent',
    enum: ['audit', 'auth'],
  })
  @IsOptional()
  @IsString(ONCE)
  kind?: string;

  @ApiPropertyOptional({
    description: 'Events at or after this time (ISO 8601 date or date-time; UTC when no offset)',
    example: '2026-01-01',
  })
  @IsOptional()
  @IsString(ONCE)
  from?: string;

  @ApiPropertyOptional({
    description: 'Events before this time (exclusive; ISO 8601; a date means its midnight UTC)',
    example: '2026-02-01T00:00:00Z',
  })
  @IsOptional()
  @IsString(ONCE)
  to?: string;

  @ApiPropertyOptional({
    description:
      'The filters as one query: `qualifier:value` terms (workspace, objectType, objectId, objectName, action, actor, change, source, kind, created), ' +
      'bare words or "quoted phrases" searching the change line, `-` to negate; created: takes >=, >, <=, <, a date, or from..to.',
    example: 'action:deleted objectType:Project actor:jane created:>=2026-01-01 "landing zone"',
  })
  @IsOptional()
  @IsString(ONCE)
  @MaxLength(2000, { message: '$property must be at most 2000 characters' })
  q?: string;
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : value;
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const LIMIT_RULE = { message: `$property must be an integer from 1 to ${MAX_LIMIT}` };

/** `limit`: events per page, an integer from 1 to MAX_LIMIT (QUERY_DEFAULT_LIMIT when absent). */
export function PageLimit({ description = 'Events per page', byDefault = 50 } = {}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, minimum: 1, maximum: MAX_LIMIT, default: byDefault }),
    IsOptional(),
    Transform(toInt),
    IsInt(LIMIT_RULE),
    Min(1, LIMIT_RULE),
    Max(MAX_LIMIT, LIMIT_RULE),
  );
}

export class EventQueryDto extends EventFilterDto {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (same filters)' })
  @IsOptional()
  @IsString(ONCE)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Also count every matching event (slower on large ranges)', default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: '$property must be true or false' })
  count?: boolean;
}

export class EventExportQueryDto extends EventFilterDto {
  @ApiPropertyOptional({
    description: 'Export format; without it, the Accept header decides (text/csv or application/x-ndjson), else NDJSON',
    enum: EXPORT_FORMATS,
  })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `$property must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: (typeof EXPORT_FORMATS)[number];
}

/** Under /workspaces/{id}/events the workspace is in the path. */
export class WorkspaceEventFilterDto extends OmitType(EventFilterDto, ['workspace'] as const) {}
export class WorkspaceEventQueryDto extends OmitType(EventQueryDto, ['workspace'] as const) {}
export class WorkspaceEventExportQueryDto extends OmitType(EventExportQueryDto, ['workspace'] as const) {}
