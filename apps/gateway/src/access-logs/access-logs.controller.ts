import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, type ApiError, CurrentPrincipal, type Principal, RequireAdmin } from '@meshtrail/auth';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { invalidParameter } from '../common/invalid-parameter';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { READ_DURATIONS, type ReadDurations } from '../read-limits/read-limits.module';
import { ReadSlots } from '../read-limits/read-slots';
import { accessLogStatsRange, InvalidParameter, parseAccessLogFilter, type AccessLogFilter } from './access-log-filter';
import { CONTENT_TYPES, CSV_HEADER, EXPORT_FORMATS, exportLine, type ExportFormat } from './access-log-export';
import { AccessLogSearchService, type AccessLogPage, type AccessLogStats } from './access-log-search.service';

/** 400 with the stable code and the parameter's name, as the events API answers. */
function badRequest(error: InvalidParameter): ApiError {
  return invalidParameter(error.parameter, error.problem);
}

/** A parse whose InvalidParameter becomes the 400 naming the parameter. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidParameter) throw badRequest(error);
    throw error;
  }
}

function filterOf(query: Record<string, unknown>): AccessLogFilter {
  return parsed(() => parseAccessLogFilter(query));
}

/** Writes with backpressure: waits for 'drain' when the socket's buffer is full; false when the client left. */
async function write(response: Response, chunk: string): Promise<boolean> {
  if (response.destroyed) return false;
  if (response.write(chunk)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}

/** `GET /api/v1/access-logs` and `GET /api/v1/access-logs/export`: the access-log store, for platform admins. */
@ApiTags('access-logs')
@Controller('api/v1/access-logs')
@Authenticated(RateLimitGuard)
@RequireAdmin()
@ApiBadRequestResponse({ description: 'A parameter is unknown or malformed; `parameter` names it' })
export class AccessLogsController {
  constructor(
    private readonly search: AccessLogSearchService,
    private readonly slots: ReadSlots,
    @Inject(READ_DURATIONS) private readonly durations: ReadDurations,
  ) {}

  @Get()
  @ApiOperation({ summary: 'API access records, newest first, filtered, in keyset pages' })
  @ApiOkResponse({ description: '{ items: AccessLogRecord[], nextCursor: string | null }' })
  list(@Query() query: Record<string, unknown>): Promise<AccessLogPage> {
    if (query.format !== undefined) {
      throw badRequest(new InvalidParameter('format', 'only /api/v1/access-logs/export takes a format'));
    }
    return this.search.page(filterOf(query));
  }

  @Get('stats')
  @ApiOperation({
    summary:
      'Requests per UTC hour, with 4xx and 5xx counts and the error rate, for the filters of the search (last 24 hours by default, at most 31 days)',
  })
  @ApiOkResponse({
    description: '{from, to, bucket: "hour", hours: [{hour, requests, clientErrors, serverErrors, errorRate}]}',
  })
  stats(@Query() query: Record<string, unknown>): Promise<AccessLogStats> {
    const filter = filterOf(query);
    return this.search.stats(
      filter,
      parsed(() => accessLogStatsRange(query, filter)),
    );
  }

  @Get('export')
  @ApiOperation({ summary: 'Every matching access record, streamed as NDJSON or CSV' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
    @Res() response: Response,
  ): Promise<void> {
    const { format: given = 'ndjson', limit, ...rest } = query;
    if (!EXPORT_FORMATS.includes(given as ExportFormat)) {
      throw badRequest(new InvalidParameter('format', `must be one of ${EXPORT_FORMATS.join(', ')}`));
    }
    if (limit !== undefined) {
      throw badRequest(new InvalidParameter('limit', 'an export has every matching record'));
    }
    const format = given as ExportFormat;
    const filter = filterOf(rest);
    // an export counts against its principal's export slots, and ends after EXPORT_TIMEOUT_MS
    const release = this.slots.acquire('export', principal);
    try {
      const deadline = Date.now() + this.durations.exportTimeoutMs;
      response.status(200).setHeader('content-type', CONTENT_TYPES[format]);
      response.setHeader('content-disposition', `attachment; filename="access-logs.${format}"`);
      if (format === 'csv' && !(await write(response, CSV_HEADER))) return;
      let record: AccessLogRecord;
      for await (record of this.search.all(filter)) {
        if (!(await write(response, exportLine(format, record)))) return; // the client left
        // aborted, not ended: a client never mistakes a cut export for a complete one
        if (Date.now() > deadline) return void response.destroy();
      }
      response.end();
    } catch (error) {
      // after the first byte, a failure can only abort the response
      if (!response.headersSent) throw error;
      response.destroy();
    } finally {
      release();
    }
  }
}
