import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const TRANSMISSION_RESULTS = ['delivered', 'rejected', 'failed', 'dropped'] as const;
export const MAX_TRANSMISSIONS_LIMIT = 500;

const ONCE = { message: '$property must be given once, as a string' };
const LIMIT_RULE = { message: `$property must be an integer from 1 to ${MAX_TRANSMISSIONS_LIMIT}` };
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : value;

/** The filters and page of the transmission log. */
export class TransmissionsQueryDto {
  @ApiPropertyOptional({ description: 'What was sent (exact)', example: 'metrics' })
  @IsOptional()
  @IsString(ONCE)
  @Length(1, 256, { message: '$property must be 1 to 256 characters' })
  category?: string;

  @ApiPropertyOptional({ description: 'How it ended', enum: TRANSMISSION_RESULTS })
  @IsOptional()
  @IsIn(TRANSMISSION_RESULTS, { message: `$property must be one of ${TRANSMISSION_RESULTS.join(', ')}` })
  result?: (typeof TRANSMISSION_RESULTS)[number];

  @ApiPropertyOptional({ description: 'Sent at or after (ISO 8601 date or date-time; UTC when no offset)' })
  @IsOptional()
  @IsString(ONCE)
  from?: string;

  @ApiPropertyOptional({ description: 'Sent before (exclusive; ISO 8601)' })
  @IsOptional()
  @IsString(ONCE)
  to?: string;

  @ApiPropertyOptional({ description: 'Rows per page', minimum: 1, maximum: MAX_TRANSMISSIONS_LIMIT, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt(LIMIT_RULE)
  @Min(1, LIMIT_RULE)
  @Max(MAX_TRANSMISSIONS_LIMIT, LIMIT_RULE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString(ONCE)
  cursor?: string;
}
