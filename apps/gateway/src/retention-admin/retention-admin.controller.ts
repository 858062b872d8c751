import { Body, Controller, Get, HttpCode, Param, Post, Query, UsePipes } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, Authenticated, CurrentPrincipal, RequireAdmin, type Principal } from '@meshtrail/auth';
import { HOLD_FAILURES, LegalHoldError, type HoldActor } from '@meshtrail/retention';
import { invalidParameter } from '../common/invalid-parameter';
import { InputValidationPipe } from '../common/input-validation.pipe';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { HoldsQueryDto, PlaceHoldDto, ReleaseHoldDto, RequestRunDto, RunsQueryDto } from './dto/retention-admin.dto';
import { RetentionAdminService } from './retention-admin.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOLD_STATUS: Record<string, number> = {
  [HOLD_FAILURES.INVALID]: 400,
  [HOLD_FAILURES.NOT_HELD]: 404,
  [HOLD_FAILURES.ALREADY_HELD]: 409,
};

function actorOf(principal: Principal): HoldActor {
  return { kind: principal.kind, id: principal.id, name: principal.name };
}

async function holdOperation<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof LegalHoldError) throw new ApiError(HOLD_STATUS[error.code], error.code, error.message);
    throw error;
  }
}

/** Retention runs on demand and legal holds, for platform admins. */
@ApiTags('retention')
@Controller('api/v1/admin')
@Authenticated(RateLimitGuard)
@RequireAdmin()
@UsePipes(InputValidationPipe)
export class RetentionAdminController {
  constructor(private readonly retention: RetentionAdminService) {}

  @Post('retention/runs')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for a retention run now (dry or real); its result is at the returned address once recorded',
  })
  @ApiAcceptedResponse({ description: '{runId, dryRun, status: "requested", result}' })
  async requestRun(@CurrentPrincipal() principal: Principal, @Body() body: RequestRunDto) {
    const command = await this.retention.requestRun(body.dryRun, actorOf(principal));
    return {
      runId: command.commandId,
      dryRun: body.dryRun,
      status: 'requested',
      result: `/api/v1/admin/retention/runs/${command.commandId}`,
    };
  }

  @Get('retention/runs')
  @ApiOperation({ summary: 'Recent retention runs, real and dry, newest first' })
  async runs(@Query() query: RunsQueryDto) {
    return { runs: await this.retention.runs(query.limit ?? 20) };
  }

  @Get('retention/runs/:runId')
  @ApiOperation({ summary: 'One recorded run: per store, cutoff, partitions dropped, rows deleted' })
  @ApiNotFoundResponse({ description: 'RETENTION.RUN_PENDING: not recorded (yet)' })
  async run(@Param('runId') runId: string) {
    if (!UUID.test(runId)) throw invalidParameter('runId', 'must be a UUID');
    const run = await this.retention.run(runId);
    if (!run) throw new ApiError(404, 'RETENTION.RUN_PENDING', `run ${runId} is not recorded (yet)`);
    return run;
  }

  @Get('legal-holds')
  @ApiOperation({ summary: 'Legal holds in force (with all=true: released ones too)' })
  async holds(@Query() query: HoldsQueryDto) {
    return { holds: await this.retention.holds(query.all === 'true') };
  }

  @Post('legal-holds')
  @HttpCode(201)
  @ApiOperation({ summary: 'Hold a workspace: its data is kept beyond retention until released (audited)' })
  async place(@CurrentPrincipal() principal: Principal, @Body() body: PlaceHoldDto) {
    return holdOperation(() => this.retention.placeHold(body.workspace, body.reason, actorOf(principal)));
  }

  @Post('legal-holds/:workspace/release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release the hold on a workspace (audited)' })
  async release(
    @CurrentPrincipal() principal: Principal,
    @Param('workspace') workspace: string,
    @Body() body: ReleaseHoldDto,
  ) {
    return holdOperation(() => this.retention.releaseHold(workspace, body.reason, actorOf(principal)));
  }
}
