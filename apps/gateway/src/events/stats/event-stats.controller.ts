import { Controller, Get, Param, Query, Req, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Authenticated, CurrentPrincipal, type Principal } from '@meshtrail/auth';
import { InputValidationPipe } from '../../common/input-validation.pipe';
import { RateLimitGuard } from '../../rate-limit/rate-limit.guard';
import { EventFilterDto, WorkspaceEventFilterDto } from '../dto/event-query.dto';
import { pathId } from '../path-id';
import { contextOf } from '../read-context';
import type { EventStats } from './daily-stats';
import { EventStatsService } from './event-stats.service';

const DESCRIPTION =
  'Matching events per UTC day and action, for the filters of the event list. The range: the `created:` term of ' +
  '`q` (or `from`/`to`), else the last 30 days through today; at most 366 days (else 400 naming the parameter). ' +
  'Every day of the range is present, zeros included; `actions` lists every action that occurs.';

/** `GET /api/v1/events/stats`: the trail's events per day and action, within the caller's scope. */
@ApiTags('events')
@Controller('api/v1/events/stats')
@Authenticated(RateLimitGuard)
@UsePipes(InputValidationPipe)
@ApiBadRequestResponse({
  description: 'A parameter is unknown or malformed, or the range too long; `parameter` names it',
})
@ApiForbiddenResponse({ description: 'A workspace filter names a workspace outside your scope' })
@ApiTooManyRequestsResponse({ description: 'Rate limit exceeded; see Retry-After' })
@ApiServiceUnavailableResponse({ description: 'The count ran longer than QUERY_TIMEOUT_MS (code QUERY.TIMEOUT)' })
export class EventStatsController {
  constructor(private readonly stats: EventStatsService) {}

  @Get()
  @ApiOperation({ summary: 'Events per day by action, for the filters of the event list', description: DESCRIPTION })
  @ApiOkResponse({ description: '{from, to, bucket: "day", actions: string[], days: [{day, counts, total}]}' })
  daily(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Query() query: EventFilterDto,
  ): Promise<EventStats> {
    return this.stats.daily(contextOf(principal, request), query);
  }
}

/** `GET /api/v1/workspaces/{id}/events/stats`: one workspace's events per day and action. */
@ApiTags('events')
@Controller('api/v1/workspaces/:workspaceId/events/stats')
@Authenticated(RateLimitGuard)
@UsePipes(InputValidationPipe)
@ApiBadRequestResponse({
  description: 'A parameter is unknown or malformed, or the range too long; `parameter` names it',
})
@ApiForbiddenResponse({ description: 'You are not an owner or manager of this workspace' })
@ApiTooManyRequestsResponse({ description: 'Rate limit exceeded; see Retry-After' })
@ApiServiceUnavailableResponse({ description: 'The count ran longer than QUERY_TIMEOUT_MS (code QUERY.TIMEOUT)' })
export class WorkspaceEventStatsController {
  constructor(private readonly stats: EventStatsService) {}

  @Get()
  @ApiOperation({ summary: "A workspace's events per day by action", description: DESCRIPTION })
  @ApiOkResponse({ description: '{from, to, bucket: "day", actions: string[], days: [{day, counts, total}]}' })
  daily(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Param('workspaceId') workspaceId: string,
    @Query() query: WorkspaceEventFilterDto,
  ): Promise<EventStats> {
    return this.stats.daily(contextOf(principal, request), { ...query, workspace: pathId('workspaceId', workspaceId) });
  }
}
