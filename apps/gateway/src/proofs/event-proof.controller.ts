import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@meshtrail/auth';
import { textProblem } from '@meshtrail/contracts';
import { invalidParameter, refuseQueryParameters } from '../common/invalid-parameter';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import type { EventProofAnswer } from './proof-answer';
import { ProofsService } from './proofs.service';

const MAX_ID_LENGTH = 256;

const PROOF_DESCRIPTION =
  'For an event you may read (as GET /api/v1/events/{id}): `sealed: true` with its leaf (56 bytes, hex), leafHash, ' +
  'index and treeSize in its checkpoint, the RFC 6962 auditPath (bottom first) and the signed checkpoint (without its ' +
  'leaf list), plus `checks`, what the gateway found checking it; or `sealed: false` with a stable `code`: ' +
  'PROOF.NOT_SEALED_YET (ask again after the next seal), PROOF.NOT_SEALABLE (Keycloak auth events), ' +
  'PROOF.NOT_IN_CHECKPOINT (its position is sealed, but not with this event: tampering, see admin-cli verify).';

/** `GET /api/v1/events/{id}/proof`: one event's inclusion proof in its signed checkpoint. */
@ApiTags('events')
@Controller('api/v1/events')
@Authenticated(RateLimitGuard)
@ApiBadRequestResponse({ description: 'A parameter is unknown or malformed; `parameter` names it' })
@ApiTooManyRequestsResponse({ description: 'Rate limit exceeded; see Retry-After' })
@ApiServiceUnavailableResponse({ description: 'The query ran longer than QUERY_TIMEOUT_MS (code QUERY.TIMEOUT)' })
export class EventProofController {
  constructor(private readonly proofs: ProofsService) {}

  @Get(':id/proof')
  @ApiOperation({ summary: "An event's inclusion proof in its signed checkpoint", description: PROOF_DESCRIPTION })
  @ApiOkResponse({ description: '{sealed: true, ...proof, checks} or {sealed: false, code, message}' })
  @ApiNotFoundResponse({ description: 'No such event, or not one you may read' })
  proof(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<EventProofAnswer> {
    refuseQueryParameters(query);
    if (id.length === 0 || id.length > MAX_ID_LENGTH) {
      throw invalidParameter('id', `must be 1 to ${MAX_ID_LENGTH} characters`);
    }
    const problem = textProblem(id);
    if (problem !== undefined) throw invalidParameter('id', problem);
    return this.proofs.proof(principal, id);
  }
}
