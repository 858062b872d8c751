import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UsePipes } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiError,
  ApiKeyStore,
  Authenticated,
  CurrentPrincipal,
  RequireKeyManagement,
  apiKeyCreatedEvent,
  apiKeyRevokedEvent,
  decideApiKey,
  type ApiKeyInfo,
  type Principal,
} from '@meshtrail/auth';
import { AppLogger } from '@meshtrail/observability';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import { invalidParameter } from '../common/invalid-parameter';
import { InputValidationPipe } from '../common/input-validation.pipe';
import type { GatewayEnv } from '../gateway.env';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ApiKeyAuditRecorder } from './api-key-audit.recorder';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/create-api-key.dto';

const trailUnavailable = () =>
  new ApiError(503, 'AUDIT.UNAVAILABLE', 'the change could not be recorded in the audit trail; try again later');

/**
 * API keys for machines: created (shown once), listed and revoked by those who may manage keys
 * (platform admins, keys with manageKeys). Each creation and revocation is an audit event in the
 * global trail naming who did it; a change the trail cannot record does not happen.
 */
@ApiTags('api-keys')
@Controller('api/v1/api-keys')
@Authenticated(RateLimitGuard)
@RequireKeyManagement()
@UsePipes(InputValidationPipe)
export class ApiKeysController {
  private readonly logger = new AppLogger('ApiKeys');

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly trail: ApiKeyAuditRecorder,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Create an API key that reads every workspace (admin) or named workspaces, and may manage keys; it expires; the key is in this response only',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyDto,
  ): Promise<ApiKeyInfo & { key: string }> {
    const decision = decideApiKey(
      {
        admin: body.admin ?? false,
        workspaces: body.workspaces ?? [],
        manageKeys: body.manageKeys ?? false,
        expiresInDays: body.expiresInDays,
      },
      principal,
      { defaultDays: this.config.API_KEY_DEFAULT_DAYS, maxDays: this.config.API_KEY_MAX_DAYS },
      new Date(),
    );
    if (!decision.ok) {
      if (decision.status === 400) throw invalidParameter(decision.field, decision.message);
      throw new ApiError(403, 'API_KEY.EXCEEDS_CREATOR', `${decision.field}: ${decision.message}`);
    }
    const created = await this.keys.create(body.name, decision.scope, principal, decision.expiresAt);
    try {
      await this.trail.record(apiKeyCreatedEvent(created, principal));
    } catch (error) {
      // a key the trail does not know of must not work
      await this.keys.revoke(created.id, principal.name);
      this.logger.error('Api Key Not Recorded', { keyId: created.id, error: (error as Error).message });
      throw trailUnavailable();
    }
    this.logger.info('Api Key Created', {
      keyId: created.id,
      byPrincipal: principal.id,
      admin: created.admin,
      manageKeys: created.manageKeys,
      workspaces: created.workspaces.length,
      expiresAt: created.expiresAt,
    });
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'Every API key, revoked and expired ones included (never the secrets)' })
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
    try {
      await this.trail.record(apiKeyRevokedEvent(revoked, principal));
    } catch (error) {
      // the key stays revoked (safe); the caller repeats the call to get it recorded
      this.logger.error('Api Key Revocation Not Recorded', { keyId: id, error: (error as Error).message });
      throw trailUnavailable();
    }
    this.logger.info('Api Key Revoked', { keyId: id, byPrincipal: principal.id });
    return revoked;
  }
}
