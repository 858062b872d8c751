import type { Writable } from 'node:stream';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ApiError, type Principal } from '@meshtrail/auth';
import type { SqlSession } from '@meshtrail/database';
import { AppLogger } from '@meshtrail/observability';
import { checkpointLines, trailExportLines, type CheckpointHead, type SignedCheckpoint } from '@meshtrail/trail-proof';
import { AuditViewRecorder } from '../events/audit/audit-view.recorder';
import type { ReadContext } from '../events/read-context';
import { readScopeOf } from '../events/read-scope';
import { READ_DURATIONS, type ReadDurations } from '../read-limits/read-limits.module';
import { ReadSlots } from '../read-limits/read-slots';
import { proofAnswer, type EventProofAnswer } from './proof-answer';
import { ProofStoreReader } from './proof-store.reader';
import type { SealPublicKeyJwk, SealPublicKeys } from './seal-public-keys';

export const SEAL_PUBLIC_KEYS = Symbol('SEAL_PUBLIC_KEYS');

export interface CheckpointPage {
  checkpoints: CheckpointHead[];
  /** Pass as `cursor` (with the same `order`) for the next page; null on the last. */
  nextCursor: string | null;
}

/**
 * Checkpoints and inclusion proofs. Checkpoints cover every workspace's events (a leaf list
 * holds each event's position and time), so only principals who may read the whole trail list
 * them; a proof is given to whoever may read its event, with its checkpoint's signed fields but
 * not its leaf list.
 */
@Injectable()
export class ProofsService implements OnModuleInit {
  constructor(
    private readonly store: ProofStoreReader,
    private readonly views: AuditViewRecorder,
    private readonly slots: ReadSlots,
    @Inject(READ_DURATIONS) private readonly durations: ReadDurations,
    @Inject(SEAL_PUBLIC_KEYS) private readonly keys: SealPublicKeys,
  ) {}

  // said once logging is set up (in the configured format), not while the modules are composed
  onModuleInit(): void {
    if (this.keys.jwks.length > 0) return;
    new AppLogger('Proofs').warn('Seal Public Keys Missing', {
      detail: 'AUDIT_SEAL_PUBLIC_KEYS is unset: proofs are served, their checkpoint signatures are not checked here',
    });
  }

  async proof(principal: Principal, id: string): Promise<EventProofAnswer> {
    const scope = readScopeOf(principal);
    const found = await this.store.subject(id, scope);
    if (!found) {
      if (scope.all && (await this.store.authEventExists(id))) {
        return {
          eventId: id,
          sealed: false,
          code: 'PROOF.NOT_SEALABLE',
          message: "Keycloak's auth events are not part of the sealed audit trail",
        };
      }
      throw new ApiError(404, 'QUERY.NOT_FOUND', `no event ${JSON.stringify(id)} that you may read`);
    }
    return proofAnswer(found.subject, found.seal, this.keys.jwks.length > 0 ? this.keys.set : undefined);
  }

  async checkpoints(
    principal: Principal,
    params: { order: 'asc' | 'desc'; cursor?: number; limit: number },
  ): Promise<CheckpointPage> {
    this.requireWholeTrail(principal);
    const rows = await this.store.heads(params.order, params.cursor, params.limit + 1);
    const page = rows.slice(0, params.limit);
    return {
      checkpoints: page,
      nextCursor: rows.length > params.limit ? String(page[page.length - 1].number) : null,
    };
  }

  async checkpoint(principal: Principal, number: number): Promise<SignedCheckpoint> {
    this.requireWholeTrail(principal);
    const checkpoint = await this.store.checkpoint(number);
    if (!checkpoint) throw new ApiError(404, 'CHECKPOINT.NOT_FOUND', `no checkpoint ${number}`);
    return checkpoint;
  }

  /** Every checkpoint with its leaf list, one per line (the checkpoints file verify reads); whole-trail readers only. */
  checkpointsExport(principal: Principal): (sink: Writable) => Promise<void> {
    this.requireWholeTrail(principal);
    return this.exportHolding(this.slots.acquire('export', principal), checkpointLines);
  }

  /**
   * Every audit event in commit order with its proof fields (as admin-cli export-trail writes
   * them); whole-trail readers only, and recorded as a read before anything is sent.
   */
  async trailExport(context: ReadContext): Promise<(sink: Writable) => Promise<void>> {
    this.requireWholeTrail(context.principal);
    const release = this.slots.acquire('export', context.principal);
    try {
      await this.views.record({ ...context, operation: 'export', format: 'trail' });
    } catch (error) {
      release();
      throw error;
    }
    return this.exportHolding(release, (session) => trailExportLines(session));
  }

  /**
   * An export like any other: it holds the export slot its principal took (refused with 429 or
   * 503 past the limits, before anything was sent) until the stream ends, and is ended once it
   * has run EXPORT_TIMEOUT_MS.
   */
  private exportHolding(
    release: () => void,
    produce: (session: SqlSession) => AsyncIterable<string>,
  ): (sink: Writable) => Promise<void> {
    return async (sink) => {
      try {
        await this.store.stream(produce, sink, AbortSignal.timeout(this.durations.exportTimeoutMs));
      } finally {
        release();
      }
    };
  }

  /** Public keys are public: anyone signed in may fetch them (and should compare them with a copy kept elsewhere). */
  publicKeys(): { keys: SealPublicKeyJwk[] } {
    return { keys: this.keys.jwks };
  }

  private requireWholeTrail(principal: Principal): void {
    if (!readScopeOf(principal).all) {
      throw new ApiError(
        403,
        'QUERY.FORBIDDEN',
        "checkpoints cover every workspace's events: only principals who may read the whole trail may read them",
      );
    }
  }
}
