import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@meshtrail/auth';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';

/** What the caller may do, as the gateway decided it from their token or key. */
export interface MeView {
  kind: Principal['kind'];
  id: string;
  name: string;
  admin: boolean;
  manageKeys: boolean;
  workspaces: readonly string[];
  expiresAt: string | null;
}

/**
 * `GET /api/v1/me`: the caller as the gateway sees them. The page shows the areas a person may
 * use from this answer, never from its own reading of the token (the roles' meaning is the
 * gateway's configuration).
 */
@ApiTags('me')
@Controller('api/v1/me')
@Authenticated(RateLimitGuard)
export class MeController {
  @Get()
  @ApiOperation({ summary: 'Who the caller is and what they may read: admin, key management, their workspaces' })
  @ApiOkResponse({ description: '{ kind, id, name, admin, manageKeys, workspaces, expiresAt }' })
  me(@CurrentPrincipal() principal: Principal): MeView {
    return {
      kind: principal.kind,
      id: principal.id,
      name: principal.name,
      admin: principal.admin,
      manageKeys: principal.manageKeys ?? false,
      workspaces: principal.workspaces,
      expiresAt: principal.expiresAt?.toISOString() ?? null,
    };
  }
}
