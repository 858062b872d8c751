import { Controller, Get, Query, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, RequireAdmin } from '@meshtrail/auth';
import { invalidParameter } from '../common/invalid-parameter';
import { InputValidationPipe } from '../common/input-validation.pipe';
import { parseInstantRange } from '../events/query/time-range';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { TransmissionsQueryDto } from './dto/transmissions-query.dto';
import { TelemetryTransmissionsService, type TransmissionPage } from './telemetry-transmissions.service';
import { decodeTransmissionCursor, type TransmissionFilter } from './transmissions-sql';

const DEFAULT_LIMIT = 50;

function instant(name: 'from' | 'to', text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const range = parseInstantRange(text.trim());
  if (!range) throw invalidParameter(name, `"${text}" is not an ISO 8601 date or date-time`);
  return range.start;
}

/** `GET /api/v1/admin/telemetry/transmissions`: what the telemetry relay sent out, for platform admins. */
@ApiTags('telemetry')
@Controller('api/v1/admin/telemetry')
@Authenticated(RateLimitGuard)
@RequireAdmin()
@UsePipes(InputValidationPipe)
@ApiBadRequestResponse({ description: 'A parameter is unknown or malformed; `parameter` names it' })
export class TelemetryTransmissionsController {
  constructor(private readonly transmissions: TelemetryTransmissionsService) {}

  @Get('transmissions')
  @ApiOperation({
    summary: "The telemetry relay's transmission log, newest first, in keyset pages (what and how much, no payload)",
  })
  @ApiOkResponse({
    description:
      '{transmissions: [{at, category, destination, items, bytes, result, statusCode, error, durationMs}], nextCursor}',
  })
  list(@Query() query: TransmissionsQueryDto): Promise<TransmissionPage> {
    const filter: TransmissionFilter = {
      category: query.category,
      result: query.result,
      from: instant('from', query.from),
      to: instant('to', query.to),
      limit: query.limit ?? DEFAULT_LIMIT,
      after: query.cursor === undefined ? undefined : decodeTransmissionCursor(query.cursor),
    };
    if (filter.from && filter.to && filter.from >= filter.to) throw invalidParameter('from', 'must be before to');
    return this.transmissions.page(filter);
  }
}
