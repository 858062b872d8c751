import { Controller, Get, Param, Query, Res, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CurrentPrincipal, type Principal } from '@meshtrail/auth';
import type { SignedCheckpoint } from '@meshtrail/trail-proof';
import { InputValidationPipe } from '../common/input-validation.pipe';
import { invalidParameter, refuseQueryParameters } from '../common/invalid-parameter';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { CHECKPOINT_DEFAULT_LIMIT, CheckpointQueryDto } from './dto/checkpoint-query.dto';
import { ProofsService, type CheckpointPage } from './proofs.service';
import type { SealPublicKeyJwk } from './seal-public-keys';
import { sendNdjson } from './send-ndjson';

/** A checkpoint number in the path: a positive integer, else 400 naming it. */
function checkpointNumber(text: string): number {
  if (!/^[1-9]\d{0,14}$/.test(text)) throw invalidParameter('number', 'must be a checkpoint number (1, 2, …)');
  return Number(text);
}

/** `GET /api/v1/checkpoints`: the signed checkpoints that seal the trail, and the keys to check them. */
@ApiTags('checkpoints')
@Controller('api/v1/checkpoints')
@Authenticated(RateLimitGuard)
@UsePipes(InputValidationPipe)
@ApiBadRequestResponse({ description: 'A parameter is unknown or malformed; `parameter` names it' })
@ApiTooManyRequestsResponse({ description: 'Rate limit exceeded; see Retry-After' })
@ApiServiceUnavailableResponse({ description: 'The query ran longer than QUERY_TIMEOUT_MS (code QUERY.TIMEOUT)' })
export class CheckpointsController {
  constructor(private readonly proofs: ProofsService) {}

  @Get()
  @ApiOperation({
    summary: 'Signed checkpoints, newest first (or oldest first), without their leaf lists',
    description:
      "Each as stored: number, kind (events or purge), the range it covers (after, first, last), count, Merkle root, previous checkpoint's hash, sealedAt, keyId, purge, signature. Whole-trail readers only.",
  })
  @ApiOkResponse({ description: '{checkpoints, nextCursor}' })
  @ApiForbiddenResponse({ description: 'Only principals who may read the whole trail (admins) read checkpoints' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: CheckpointQueryDto): Promise<CheckpointPage> {
    return this.proofs.checkpoints(principal, {
      order: query.order ?? 'desc',
      cursor: query.cursor === undefined ? undefined : Number(query.cursor),
      limit: query.limit ?? CHECKPOINT_DEFAULT_LIMIT,
    });
  }

  @Get('keys')
  @ApiOperation({
    summary: 'The public keys that checkpoint signatures are checked with (JWK, Ed25519, with PEM)',
    description:
      'AUDIT_SEAL_PUBLIC_KEYS as configured on this gateway. A convenience: pin the keys you trust from a copy kept outside meshtrail.',
  })
  @ApiOkResponse({ description: '{keys: [{kty, crv, x, kid, alg, use, pem}]}' })
  keys(@Query() query: Record<string, unknown>): { keys: SealPublicKeyJwk[] } {
    refuseQueryParameters(query);
    return this.proofs.publicKeys();
  }

  @Get('export')
  @ApiOperation({
    summary: 'Every checkpoint with its leaf list, in number order (NDJSON): the file verify --checkpoints reads',
    description: 'The same lines as `admin-cli checkpoints`. Whole-trail readers only.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiForbiddenResponse({ description: 'Only principals who may read the whole trail (admins) read checkpoints' })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    refuseQueryParameters(query);
    await sendNdjson(response, 'audit-checkpoints', this.proofs.checkpointsExport(principal));
  }

  @Get(':number')
  @ApiOperation({ summary: 'One checkpoint as stored, with its leaf list (base64, 56 bytes an event)' })
  @ApiOkResponse({ description: 'The checkpoint, as admin-cli checkpoints writes it' })
  @ApiForbiddenResponse({ description: 'Only principals who may read the whole trail (admins) read checkpoints' })
  @ApiNotFoundResponse({ description: 'No such checkpoint (code CHECKPOINT.NOT_FOUND)' })
  one(
    @CurrentPrincipal() principal: Principal,
    @Param('number') number: string,
    @Query() query: Record<string, unknown>,
  ): Promise<SignedCheckpoint> {
    refuseQueryParameters(query);
    return this.proofs.checkpoint(principal, checkpointNumber(number));
  }
}
