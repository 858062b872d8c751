import { Controller, Get, Query, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@meshtrail/auth';
import { InputValidationPipe } from '../common/input-validation.pipe';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import type { WorkspaceEntry } from './workspace-names.reader';
import { WORKSPACES_DEFAULT_LIMIT, WorkspaceListDto, WorkspaceQueryDto } from './workspace-query.dto';
import { WorkspacesService } from './workspaces.service';

/** `GET /api/v1/workspaces`: the workspaces whose events the caller may read, with their names. */
@ApiTags('workspaces')
@Controller('api/v1/workspaces')
@Authenticated(RateLimitGuard)
@UsePipes(InputValidationPipe)
@ApiBadRequestResponse({ description: 'A parameter is unknown or malformed; `parameter` names it' })
@ApiTooManyRequestsResponse({ description: 'Rate limit exceeded; see Retry-After' })
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Get()
  @ApiOperation({
    summary: 'The workspaces you may read, by name then id',
    description:
      'Admins: every workspace named by the trail (its Workspace events), and their own. Workspace owners and ' +
      'managers: their workspaces, with names where the trail has one (null otherwise). A name follows renames; ' +
      '`deleted` tells a workspace whose Workspace deleted event was stored.',
  })
  @ApiOkResponse({ type: WorkspaceListDto })
  @ApiForbiddenResponse({ description: 'You are not an owner or manager of any workspace' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: WorkspaceQueryDto,
  ): Promise<{ workspaces: WorkspaceEntry[] }> {
    const limit = query.limit ?? WORKSPACES_DEFAULT_LIMIT;
    return { workspaces: await this.workspaces.list(principal, { q: query.q, limit }) };
  }
}
