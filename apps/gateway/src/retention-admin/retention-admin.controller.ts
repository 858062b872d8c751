import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { HOLD_FAILURES, LegalHoldError, type HoldActor } from '@meshtrail/retention';
import { AdminPrincipalGuard, apiError, type AdminPrincipal } from './admin-principal.guard';
import { RetentionAdminService } from './retention-admin.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOLD_STATUS: Record<string, number> = {
  [HOLD_FAILURES.INVALID]: 400,
  [HOLD_FAILURES.NOT_HELD]: 404,
  [HOLD_FAILURES.ALREADY_HELD]: 409,
};

type AdminRequest = { principal: AdminPrincipal };

function actorOf(request: AdminRequest): HoldActor {
  const { kind, id, name } = request.principal;
  return { kind, id, name };
}

function requiredText(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw apiError(400, 'REQUEST.INVALID_FIELD', `${field}: required, a non-empty string`, field);
  }
  return value;
}

async function holdOperation<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof LegalHoldError) throw apiError(HOLD_STATUS[error.code], error.code, error.message);
    throw error;
  }
}

/**
 * Admin-only retention operations. Authentication is the gateway's (it sets req.principal);
 * AdminPrincipalGuard only lets admins through and refuses everything when nobody authenticated.
 */
@Controller('api/v1/admin')
@UseGuards(AdminPrincipalGuard)
export class RetentionAdminController {
  constructor(private readonly retention: RetentionAdminService) {}

  /** Asks for a run now; 202 with the run's id, whose result GET .../runs/{runId} returns once recorded. */
  @Post('retention/runs')
  @HttpCode(202)
  async requestRun(@Body() body: unknown, @Req() request: AdminRequest) {
    const dryRun = (body as Record<string, unknown> | undefined)?.dryRun;
    if (typeof dryRun !== 'boolean') {
      throw apiError(400, 'REQUEST.INVALID_FIELD', 'dryRun: required, true or false', 'dryRun');
    }
    const command = await this.retention.requestRun(dryRun, actorOf(request));
    return {
      runId: command.commandId,
      dryRun,
      status: 'requested',
      result: `/api/v1/admin/retention/runs/${command.commandId}`,
    };
  }

  @Get('retention/runs')
  async runs(@Query('limit') limit?: string) {
    const count = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(count) || count < 1 || count > 200) {
      throw apiError(400, 'QUERY.INVALID_PARAMETER', 'limit: an integer from 1 to 200', 'limit');
    }
    return { runs: await this.retention.runs(count) };
  }

  /** The recorded run; 404 with status "pending" until a retention replica has recorded it. */
  @Get('retention/runs/:runId')
  async run(@Param('runId') runId: string) {
    if (!UUID.test(runId)) throw apiError(400, 'QUERY.INVALID_PARAMETER', 'runId: must be a UUID', 'runId');
    const run = await this.retention.run(runId);
    if (!run) throw apiError(404, 'RETENTION.RUN_PENDING', `run ${runId} is not recorded (yet)`);
    return run;
  }

  @Get('legal-holds')
  async holds(@Query('all') all?: string) {
    return { holds: await this.retention.holds(all === 'true') };
  }

  @Post('legal-holds')
  @HttpCode(201)
  async place(@Body() body: unknown, @Req() request: AdminRequest) {
    const workspace = requiredText(body, 'workspace');
    const reason = requiredText(body, 'reason');
    return holdOperation(() => this.retention.placeHold(workspace, reason, actorOf(request)));
  }

  @Post('legal-holds/:workspace/release')
  @HttpCode(200)
  async release(@Param('workspace') workspace: string, @Body() body: unknown, @Req() request: AdminRequest) {
    const reason = requiredText(body, 'reason');
    return holdOperation(() => this.retention.releaseHold(workspace, reason, actorOf(request)));
  }
}
