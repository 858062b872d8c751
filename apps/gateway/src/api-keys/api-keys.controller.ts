import { Body, Controller, Delete, Get, HttpCode, Param, Post, UsePipes } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiError,
  ApiKeyStore,
  Authenticated,
  CurrentPrincipal,
  RequireAdmin,
  type ApiKeyInfo,
  type Principal,
} from '@meshtrail/auth';
import { AppLogger } from '@meshtrail/observability';
import { invalidParameter } from '../common/invalid-parameter';
import { InputValidationPipe } from '../common/input-validation.pipe';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/create-api-key.dto';

/** API keys for machines: created (shown once), listed and revoked by platform admins. */
@ApiTags('api-keys')
@Controller('api/v1/api-keys')
@Authenticated(RateLimitGuard)
@RequireAdmin()
@UsePipes(InputValidationPipe)
export class ApiKeysController {
  private readonly logger = new AppLogger('ApiKeys');

  constructor(private readonly keys: ApiKeyStore) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key scoped to admin or to named workspaces; the key is in this response only',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyDto,
  ): Promise<ApiKeyInfo & { key: string }> {
    const admin = body.admin ?? false;
    const workspaces = [...new Set(body.workspaces ?? [])];
    if (admin && workspaces.length > 0) throw invalidParameter('workspaces', 'must be left out for an admin key');
    if (!admin && workspaces.length === 0)
      throw invalidParameter('workspaces', 'must name at least one workspace (or set admin)');
    const created = await this.keys.create(body.name, { admin, workspaces }, principal.name);
    this.logger.info('Api Key Created', { keyId: created.id, admin, workspaces: workspaces.length });
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'Every API key, revoked ones included (never the secrets)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(): Promise<ApiKeyInfo[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (immediately; idempotent)' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ description: 'No key with this id' })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyInfo> {
    const revoked = await this.keys.revoke(id, principal.name);
    if (!revoked) throw new ApiError(404, 'API_KEY.NOT_FOUND', `no API key ${JSON.stringify(id)}`);
    this.logger.info('Api Key Revoked', { keyId: id });
    return revoked;
  }
}
