import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { InvalidParameter, parseAccessLogFilter, type AccessLogFilter } from './access-log-filter';
import { CONTENT_TYPES, CSV_HEADER, EXPORT_FORMATS, exportLine, type ExportFormat } from './access-log-export';
import { AccessLogSearchService, type AccessLogPage } from './access-log-search.service';

/** 400 with the stable code and the parameter's name, as the events API answers. */
function badRequest(error: InvalidParameter): BadRequestException {
  return new BadRequestException({ code: error.code, parameter: error.parameter, message: error.message });
}

function filterOf(query: Record<string, unknown>): AccessLogFilter {
  try {
    return parseAccessLogFilter(query);
  } catch (error) {
    if (error instanceof InvalidParameter) throw badRequest(error);
    throw error;
  }
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

/**
 * `GET /api/v1/access-logs` and `GET /api/v1/access-logs/export`: the access-log store for
 * admins. Not mounted until the gateway guards it as admin-only (libs/auth); see the README.
 */
@Controller('api/v1/access-logs')
export class AccessLogsController {
  constructor(private readonly search: AccessLogSearchService) {}

  @Get()
  list(@Query() query: Record<string, unknown>): Promise<AccessLogPage> {
    if (query.format !== undefined) {
      throw badRequest(new InvalidParameter('format', 'only /api/v1/access-logs/export takes a format'));
    }
    return this.search.page(filterOf(query));
  }

  @Get('export')
  async export(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const { format: given = 'ndjson', limit, ...rest } = query;
    if (!EXPORT_FORMATS.includes(given as ExportFormat)) {
      throw badRequest(new InvalidParameter('format', `must be one of ${EXPORT_FORMATS.join(', ')}`));
    }
    if (limit !== undefined) {
      throw badRequest(new InvalidParameter('limit', 'an export has every matching record'));
    }
    const format = given as ExportFormat;
    const filter = filterOf(rest);
    response.status(200).setHeader('content-type', CONTENT_TYPES[format]);
    response.setHeader('content-disposition', `attachment; filename="access-logs.${format}"`);
    if (format === 'csv' && !(await write(response, CSV_HEADER))) return;
    let record: AccessLogRecord;
    for await (record of this.search.all(filter)) {
      if (!(await write(response, exportLine(format, record)))) return; // the client left
    }
    response.end();
  }
}
