import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated, CurrentPrincipal, type Principal } from '@meshtrail/auth';
import { refuseQueryParameters } from '../common/invalid-parameter';
import { contextOf } from '../events/read-context';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ProofsService } from './proofs.service';
import { sendNdjson } from './send-ndjson';

/** `GET /api/v1/events/export/trail`: the whole trail as `admin-cli export-trail` writes it, for offline verification. */
@ApiTags('events')
@Controller('api/v1/events/export/trail')
@Authenticated(RateLimitGuard)
@ApiTooManyRequestsResponse({ description: 'Rate limit exceeded; see Retry-After' })
export class TrailExportController {
  constructor(private readonly proofs: ProofsService) {}

  @Get()
  @ApiOperation({
    summary: 'Every audit event in commit order with its proof fields (NDJSON), for admin-cli verify --events',
    description:
      'One line per event: {id, xactId, seq, time, event}, the event as stored, in one consistent snapshot: the file ' +
      '`admin-cli export-trail` writes. Whole-trail readers only; recorded as an AuditLogViewed export before the first byte.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON, one event per line, oldest commit first' })
  @ApiForbiddenResponse({ description: 'Only principals who may read the whole trail (admins)' })
  @ApiServiceUnavailableResponse({
    description: 'The export could not be recorded in the audit trail (AUDIT.UNAVAILABLE)',
  })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    refuseQueryParameters(query);
    const write = await this.proofs.trailExport(contextOf(principal, request));
    await sendNdjson(response, 'audit-trail', write);
  }
}
