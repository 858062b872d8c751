import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { apiKeyNameProblem } from '@meshtrail/auth';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';

/** apiKeyNameProblem as a body check: the API and admin-cli refuse the same names, for the same reason. */
function IsApiKeyName(): PropertyDecorator {
  return ValidateBy({
    name: 'apiKeyName',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || apiKeyNameProblem(value) === undefined,
      // called only for a name validate refused, so there is a problem to name
      defaultMessage: (args?: ValidationArguments) => `${args?.property} ${apiKeyNameProblem(String(args?.value))}`,
    },
  });
}

export class CreateApiKeyDto {
  @ApiProperty({ description: 'What the key is for', example: 'splunk-pull' })
  @IsString({ message: '$property must be a string' })
  @IsApiKeyName()
  name: string;

  @ApiPropertyOptional({
    description: 'Reads every workspace and the global events (read only: managing keys is manageKeys)',
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: '$property must be true or false' })
  admin?: boolean;

  @ApiPropertyOptional({
    description: 'May create and revoke keys, none with more rights than itself',
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: '$property must be true or false' })
  manageKeys?: boolean;

  @ApiPropertyOptional({
    description: 'Days until the key expires (default API_KEY_DEFAULT_DAYS, at most API_KEY_MAX_DAYS)',
    example: 90,
  })
  @IsOptional()
  @IsInt({ message: '$property must be a whole number of days' })
  @Min(1, { message: '$property must be at least 1' })
  expiresInDays?: number;

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
  @ApiProperty({ description: 'May create and revoke keys' })
  manageKeys: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ description: 'Principal name of whoever created it' })
  createdBy: string;
  @ApiProperty({ description: 'Principal id (token subject or key id) of whoever created it' })
  createdById: string;
  @ApiProperty({ format: 'date-time', description: 'From then on the key is refused (401)' })
  expiresAt: string;
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
