import { Controller, Get, Headers, Param, Query, Req, Res, UsePipes } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiBadRequestResponse,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated, CurrentPrincipal, type Principal } from '@meshtrail/auth';
import { refuseQueryParameters } from '../common/invalid-parameter';
import { InputValidationPipe } from '../common/input-validation.pipe';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { AuditEventDetailDto, EventPageDto } from './dto/event-page.dto';
import {
  EventExportQueryDto,
  EventQueryDto,
  WorkspaceEventExportQueryDto,
  WorkspaceEventQueryDto,
} from './dto/event-query.dto';
import { FeedPageDto, FeedQueryDto } from './dto/feed.dto';
import { EventQueryService, type EventPage } from './event-query.service';
import { pathId } from './path-id';
import { contextOf } from './read-context';
import { sendExport } from './export/send-export';
import { TrailFeedService, type FeedPage } from './feed/trail-feed.service';
import type { AuditEventView } from './store/event-row';

const FEED_DESCRIPTION =
  'Every event you may read, each once, in the order the event store committed them (oldest first), ' +
  'page after page: pass `next` as `after`, at once while `more` is true, else after a pause. Gap-free: ' +
  'it reads only below the oldest transaction still in flight in the PostgreSQL cluster, so an event that ' +
  'commits late is never behind a position already handed out; a long-running write transaction anywhere ' +
  'in the cluster delays the feed, it never makes it skip. Each event carries its `position`. Within ' +
  'workspaces, a request looks through a bounded stretch of the trail: a page can be short or empty with ' +
  '`more` true, and `next` moves on.';

/** `GET /api/v1/events`: the audit trail, filtered, newest first, in keyset pages; its export; the feed; one event. */
@ApiTags('events')
@Controller('api/v1/events')
@Authenticated(RateLimitGuard)
@UsePipes(InputValidationPipe)
@ApiBadRequestResponse({ description: 'A parameter is unknown or malformed; `parameter` names it' })
@ApiTooManyRequestsResponse({ description: 'Rate limit exceeded; see Retry-After' })
@ApiServiceUnavailableResponse({
  description:
    'The query ran longer than QUERY_TIMEOUT_MS (code QUERY.TIMEOUT); narrow it with from/to or more filters',
})
export class EventsController {
  constructor(
    private readonly events: EventQueryService,
    private readonly trail: TrailFeedService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit events, newest first, filtered by parameters and/or q' })
  @ApiOkResponse({ type: EventPageDto })
  @ApiForbiddenResponse({ description: 'A workspace filter names a workspace outside your scope' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Query() query: EventQueryDto,
  ): Promise<EventPage> {
    return this.events.list(contextOf(principal, request), query);
  }

  @Get('export')
  @ApiOperation({ summary: 'Every matching event, streamed as NDJSON or CSV' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'One event per line (NDJSON) or row (CSV), newest first' })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res() response: Response,
    @Query() query: EventExportQueryDto,
    @Headers('accept') accept?: string,
  ): Promise<void> {
    await sendExport(this.events, contextOf(principal, request), query, accept, response);
  }

  @Get('feed')
  @ApiOperation({ summary: 'The trail in commit order, gap-free, for followers', description: FEED_DESCRIPTION })
  @ApiOkResponse({ type: FeedPageDto })
  feed(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Query() query: FeedQueryDto,
  ): Promise<FeedPage> {
    return this.trail.follow(contextOf(principal, request), query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One audit event with its full CloudEvent' })
  @ApiOkResponse({ type: AuditEventDetailDto })
  @ApiNotFoundResponse({ description: 'No such event, or not one you may read' })
  get(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<AuditEventView> {
    refuseQueryParameters(query);
    return this.events.get(contextOf(principal, request), pathId('id', id));
  }
}

/** `GET /api/v1/workspaces/{id}/events`: one workspace's trail, for its owners and managers (and admins). */
@ApiTags('events')
@Controller('api/v1/workspaces/:workspaceId/events')
@Authenticated(RateLimitGuard)
@UsePipes(InputValidationPipe)
@ApiBadRequestResponse({ description: 'A parameter is unknown or malformed; `parameter` names it' })
@ApiForbiddenResponse({ description: 'You are not an owner or manager of this workspace' })
@ApiTooManyRequestsResponse({ description: 'Rate limit exceeded; see Retry-After' })
@ApiServiceUnavailableResponse({
  description:
    'The query ran longer than QUERY_TIMEOUT_MS (code QUERY.TIMEOUT); narrow it with from/to or more filters',
})
export class WorkspaceEventsController {
  constructor(private readonly events: EventQueryService) {}

  @Get()
  @ApiOperation({ summary: "A workspace's audit events, newest first" })
  @ApiOkResponse({ type: EventPageDto })
  list(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Param('workspaceId') workspaceId: string,
    @Query() query: WorkspaceEventQueryDto,
  ): Promise<EventPage> {
    return this.events.list(contextOf(principal, request), { ...query, workspace: pathId('workspaceId', workspaceId) });
  }

  @Get('export')
  @ApiOperation({ summary: "A workspace's matching events, streamed as NDJSON or CSV" })
  @ApiProduces('application/x-ndjson', 'text/csv')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res() response: Response,
    @Param('workspaceId') workspaceId: string,
    @Query() query: WorkspaceEventExportQueryDto,
    @Headers('accept') accept?: string,
  ): Promise<void> {
    const params = { ...query, workspace: pathId('workspaceId', workspaceId) };
    await sendExport(this.events, contextOf(principal, request), params, accept, response);
  }
}
