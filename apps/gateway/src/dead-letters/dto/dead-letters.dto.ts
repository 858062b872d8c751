import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const INSTANT_MESSAGE = '$property must be an RFC 3339 time with a zone, such as 2026-11-23T10:15:00Z';
const ID = /^[1-9][0-9]{0,17}$/;
const integer = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/** The filters shared by the listing and the replay. */
class DeadLetterFiltersDto {
  @ApiPropertyOptional({ description: 'Source topic (the installation prefix is added when missing)' })
  @IsOptional()
  @IsString({ message: '$property must be a string' })
  @Length(1, 256, { message: '$property must be 1 to 256 characters' })
  topic?: string;

  @ApiPropertyOptional({ description: 'Stable reason code', example: 'EVENT.NOT_JSON' })
  @IsOptional()
  @IsString({ message: '$property must be a string' })
  @Length(1, 256, { message: '$property must be 1 to 256 characters' })
  reason?: string;

  @ApiPropertyOptional({ description: 'Dead-lettered at or after (RFC 3339)' })
  @IsOptional()
  @IsString({ message: INSTANT_MESSAGE })
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  since?: string;

  @ApiPropertyOptional({ description: 'Dead-lettered before (RFC 3339)' })
  @IsOptional()
  @IsString({ message: INSTANT_MESSAGE })
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  until?: string;
}

export class DeadLettersQueryDto extends DeadLetterFiltersDto {
  @ApiPropertyOptional({ description: 'Only replayed (true) or never replayed (false) ones', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: '$property must be true or false' })
  replayed?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Page size', default: 50, maximum: 500 })
  @IsOptional()
  @Transform(integer)
  @IsInt({ message: '$property must be an integer from 1 to 500' })
  @Min(1, { message: '$property must be an integer from 1 to 500' })
  @Max(500, { message: '$property must be an integer from 1 to 500' })
  limit?: number;

  @ApiPropertyOptional({ description: 'The previous page’s nextCursor' })
  @IsOptional()
  @IsString({ message: '$property must be the nextCursor of a previous page' })
  @Matches(ID, { message: '$property must be the nextCursor of a previous page' })
  cursor?: string;
}

export class ReplayDeadLettersDto extends DeadLetterFiltersDto {
  @ApiPropertyOptional({ description: 'Dead letter ids (replayed even if replayed before)', type: [String] })
  @IsOptional()
  @IsArray({ message: '$property must be an array of dead letter ids' })
  @ArrayMinSize(1, { message: '$property must name 1 to 1000 dead letters' })
  @ArrayMaxSize(1000, { message: '$property must name 1 to 1000 dead letters' })
  @IsString({ each: true, message: '$property must be an array of dead letter ids' })
  @Matches(ID, { each: true, message: '$property must be an array of dead letter ids' })
  ids?: string[];

  @ApiPropertyOptional({ description: 'Count and name what would be replayed; change nothing', default: false })
  @IsOptional()
  @IsBoolean({ message: '$property must be true or false' })
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'At most this many dead letters', default: 1000, maximum: 10000 })
  @IsOptional()
  @IsInt({ message: '$property must be an integer from 1 to 10000' })
  @Min(1, { message: '$property must be an integer from 1 to 10000' })
  @Max(10_000, { message: '$property must be an integer from 1 to 10000' })
  limit?: number;
}
