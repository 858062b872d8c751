import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class RequestRunDto {
  @ApiProperty({ description: 'Count what would be deleted and change nothing', example: true })
  @IsBoolean({ message: '$property must be true or false' })
  dryRun: boolean;
}

export class RunsQueryDto {
  @ApiPropertyOptional({ description: 'How many recent runs, newest first', default: 20, maximum: 200 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: '$property must be an integer from 1 to 200' })
  @Min(1, { message: '$property must be an integer from 1 to 200' })
  @Max(200, { message: '$property must be an integer from 1 to 200' })
  limit?: number;
}

export class HoldsQueryDto {
  @ApiPropertyOptional({ description: 'Released holds too', enum: ['true', 'false'], default: 'false' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: '$property must be true or false' })
  all?: 'true' | 'false';
}

export class PlaceHoldDto {
  @ApiProperty({ example: 'ws-42' })
  @IsString({ message: '$property must be a string' })
  @Matches(/^\S{1,256}$/, { message: '$property must be a workspace id without spaces' })
  workspace: string;

  @ApiProperty({ example: 'litigation 2026-17' })
  @IsString({ message: '$property must be a string' })
  @Length(1, 1024, { message: '$property must be 1 to 1024 characters' })
  reason: string;
}

export class ReleaseHoldDto {
  @ApiProperty({ example: 'case closed' })
  @IsString({ message: '$property must be a string' })
  @Length(1, 1024, { message: '$property must be 1 to 1024 characters' })
  reason: string;
}
