import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ description: 'What the key is for', example: 'splunk-pull' })
  @IsString({ message: '$property must be a string' })
  @Length(1, 200, { message: '$property must be 1 to 200 characters' })
  name: string;

  @ApiPropertyOptional({ description: 'Reads every workspace and the global events', default: false })
  @IsOptional()
  @IsBoolean({ message: '$property must be true or false' })
  admin?: boolean;

  @ApiPropertyOptional({ description: 'The workspaces a non-admin key may read', example: ['ws-1'] })
  @IsOptional()
  @IsArray({ message: '$property must be an array of workspace ids' })
  @ArrayMaxSize(1000, { message: '$property may name at most 1000 workspaces' })
  @IsString({ each: true, message: '$property must be an array of workspace ids' })
  @Matches(/^\S{1,256}$/, { each: true, message: '$property must hold workspace ids without spaces' })
  workspaces?: string[];
}

export class ApiKeyDto {
  @ApiProperty({ example: '3f9c0d1e2a4b5c6d' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  admin: boolean;
  @ApiProperty({ type: [String] })
  workspaces: string[];
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ description: 'Principal name of the admin who created it' })
  createdBy: string;
  @ApiProperty({ format: 'date-time', nullable: true })
  revokedAt: string | null;
  @ApiProperty({ nullable: true })
  revokedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Updated at most once a minute' })
  lastUsedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description: 'The key itself. Shown this once: only its hash is stored.',
    example: 'mtk_3f9c0d1e2a4b5c6d_…',
  })
  key: string;
}
