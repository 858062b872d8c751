import { Body, Controller, Get, HttpCode, Param, Post, Query, UsePipes } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, Authenticated, CurrentPrincipal, RequireAdmin, type Principal } from '@meshtrail/auth';
import {
  DEAD_LETTER_GONE,
  DEAD_LETTER_ID,
  parseInstant,
  storedTopic,
  type DeadLetterFilters,
} from '@meshtrail/dead-letters';
import { invalidParameter } from '../common/invalid-parameter';
import { InputValidationPipe } from '../common/input-validation.pipe';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { DeadLettersQueryDto, ReplayDeadLettersDto } from './dto/dead-letters.dto';
import { DeadLettersService, inspection } from './dead-letters.service';

/** Records meshtrail could not store: listed, inspected whole and replayed, by platform admins only. */
@ApiTags('dead-letters')
@Controller('api/v1/dead-letters')
@Authenticated(RateLimitGuard)
@RequireAdmin()
@UsePipes(InputValidationPipe)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  // a JSON null is no filter, as an absent one is (class-validator's IsOptional lets both through)
  private filters(input: {
    topic?: string | null;
    reason?: string | null;
    since?: string | null;
    until?: string | null;
  }): DeadLetterFilters {
    const filters: DeadLetterFilters = {};
    if (typeof input.topic === 'string') filters.topic = storedTopic(input.topic, this.deadLetters.topicPrefix);
    if (typeof input.reason === 'string') filters.reason = input.reason;
    for (const name of ['since', 'until'] as const) {
      const text = input[name];
      if (typeof text !== 'string') continue;
      const time = parseInstant(text);
      if (!time) throw invalidParameter(name, 'must be an RFC 3339 time with a zone, such as 2026-11-23T10:15:00Z');
      filters[name] = time;
    }
    if (filters.since && filters.until && filters.since >= filters.until) {
      throw invalidParameter('until', 'must be after since');
    }
    return filters;
  }

  @Get()
  @ApiOperation({ summary: 'Dead letters, newest first, a page at a time (without their original bytes)' })
  @ApiOkResponse({ description: '{deadLetters: [...], nextCursor}' })
  async list(@Query() query: DeadLettersQueryDto) {
    const filters = this.filters(query);
    if (query.replayed !== undefined) filters.replayed = query.replayed === 'true';
    return this.deadLetters.list(filters, { limit: query.limit ?? 50, cursor: query.cursor });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter, whole: original key and value as base64 and, when UTF-8, as text' })
  @ApiNotFoundResponse({ description: 'DEAD_LETTER.NOT_FOUND' })
  async get(@Param('id') id: string) {
    if (!DEAD_LETTER_ID.test(id)) throw invalidParameter('id', 'must be a dead letter id (a positive integer)');
    const row = await this.deadLetters.get(id);
    if (!row)
      throw new ApiError(404, 'DEAD_LETTER.NOT_FOUND', `dead letter ${id} does not exist (${DEAD_LETTER_GONE})`);
    return inspection(row);
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Republish the matching dead letters to their source topics (never replayed ones, unless ids name them), mark them replayed, and audit it',
  })
  async replay(@CurrentPrincipal() principal: Principal, @Body() body: ReplayDeadLettersDto) {
    const filters = this.filters(body);
    if (Array.isArray(body.ids)) filters.ids = body.ids;
    return this.deadLetters.replay(
      filters,
      { kind: principal.kind, id: principal.id, name: principal.name },
      body.dryRun ?? false,
      body.limit ?? 1000,
    );
  }
}
