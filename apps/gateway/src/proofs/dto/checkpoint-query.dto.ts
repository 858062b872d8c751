import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const CHECKPOINT_MAX_LIMIT = 100;
export const CHECKPOINT_DEFAULT_LIMIT = 20;
const ONCE = { message: '$property must be given once, as a string' };
const LIMIT_RULE = { message: `$property must be an integer from 1 to ${CHECKPOINT_MAX_LIMIT}` };
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : value;

/** `GET /api/v1/checkpoints`: a page in number order, newest or oldest first, after a cursor. */
export class CheckpointQueryDto {
  @ApiPropertyOptional({
    description: 'Checkpoints per page',
    minimum: 1,
    maximum: CHECKPOINT_MAX_LIMIT,
    default: CHECKPOINT_DEFAULT_LIMIT,
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt(LIMIT_RULE)
  @Min(1, LIMIT_RULE)
  @Max(CHECKPOINT_MAX_LIMIT, LIMIT_RULE)
  limit?: number;

  @ApiPropertyOptional({
    description: 'desc: newest first (the default); asc: in the order they were sealed, from the first',
    enum: ['desc', 'asc'],
  })
  @IsOptional()
  @IsIn(['desc', 'asc'], { message: '$property must be desc or asc' })
  order?: 'desc' | 'asc';

  @ApiPropertyOptional({
    description:
      'The nextCursor of the previous page (same order): a checkpoint number; the page starts after it in that order',
    example: '41',
  })
  @IsOptional()
  @IsString(ONCE)
  @Matches(/^\d{1,15}$/, { message: '$property must be a checkpoint number (the nextCursor of the previous page)' })
  cursor?: string;
}
