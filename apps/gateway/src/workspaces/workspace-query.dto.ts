import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ONCE, PageLimit } from '../events/dto/event-query.dto';
import { MAX_VALUE_LENGTH } from '../events/query/event-filter';

export const WORKSPACES_DEFAULT_LIMIT = 100;

/** `GET /api/v1/workspaces`: which workspaces, how many. */
export class WorkspaceQueryDto {
  @ApiPropertyOptional({
    description: 'Case-insensitive prefix of the workspace name or id',
    example: 'acme',
  })
  @IsOptional()
  @IsString(ONCE)
  @MaxLength(MAX_VALUE_LENGTH, { message: `$property must be at most ${MAX_VALUE_LENGTH} characters` })
  q?: string;

  @PageLimit({ description: 'Workspaces at most', byDefault: WORKSPACES_DEFAULT_LIMIT })
  limit?: number;
}

export class WorkspaceDto {
  @ApiProperty({ example: 'ws-1' })
  id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Current name (renames followed); null when no Workspace event named it',
    example: 'Acme',
  })
  name: string | null;

  @ApiProperty({ description: 'A Workspace event deleted it (its events stay readable)' })
  deleted: boolean;
}

export class WorkspaceListDto {
  @ApiProperty({ type: [WorkspaceDto] })
  workspaces: WorkspaceDto[];
}
