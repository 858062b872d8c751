import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { compareTrailPositions, type TrailPosition } from '@meshtrail/audit-store';
import { ApiError } from '@meshtrail/auth';
import { DatabaseConnection, type SqlSession } from '@meshtrail/database';
import {
  CheckpointProver,
  checkpointHeadCovering,
  readCheckpoint,
  readCheckpointHeads,
  type CheckpointHead,
  type SignedCheckpoint,
} from '@meshtrail/trail-proof';
import { authByIdQuery } from '../events/store/auth-event-sql';
import { proofSubjectQuery, type ReadScope } from '../events/store/event-sql';
import { ProverCache } from './prover-cache';

/** Checkpoints whose provers are kept (see ProverCache): a few recent ones cover what people open. */
const PROVERS_KEPT = 4;

export const PROOF_READER_SETTINGS = Symbol('PROOF_READER_SETTINGS');

export interface ProofReaderSettings {
  /** Each request's snapshot, and each page of an export, is stopped after this (QUERY_TIMEOUT_MS). */
  statementTimeoutMs: number;
  /** An export whose client reads nothing for this long is ended (EXPORT_IDLE_TIMEOUT_MS). */
  exportIdleTimeoutMs: number;
}

/** Lines are written in chunks of about this many characters: one socket write per chunk, not per line. */
const CHUNK_CHARS = 64 * 1024;

async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let pending = '';
  for await (const line of lines) {
    pending += `${line}\n`;
    if (pending.length >= CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  if (pending !== '') yield pending;
}

/** SQLSTATE of a statement cancelled by statement_timeout. */
const QUERY_CANCELED = '57014';

/** One stored audit event, as a proof needs it. */
export interface ProofSubject {
  id: string;
  position: TrailPosition;
  /** The CloudEvent as stored: its canonical hash is computed again, never taken from the row. */
  event: unknown;
}

/** Where an event stands in the sealed trail. */
export type SealState =
  | { kind: 'covered'; prover: CheckpointProver }
  /** After the last checkpoint: the sealer has not reached it yet. */
  | { kind: 'pending'; lastSealed?: TrailPosition }
  /** Inside the sealed stretch, yet in no events checkpoint's range (its checkpoint is gone). */
  | { kind: 'uncovered' };

/**
 * Reads what proofs are made of: checkpoints, and an event's position and stored form, each
 * request in one read-only snapshot under QUERY_TIMEOUT_MS. Every statement is parameterised;
 * a checkpoint is found through its range index (audit_checkpoints_last_idx).
 */
@Injectable()
export class ProofStoreReader {
  private readonly timeoutMs: number;
  private readonly provers = new ProverCache(PROVERS_KEPT);

  constructor(
    private readonly connection: DatabaseConnection,
    @Inject(PROOF_READER_SETTINGS) private readonly settings: ProofReaderSettings,
  ) {
    this.timeoutMs = settings.statementTimeoutMs;
  }

  /**
   * Streams the lines `produce` reads into `sink`, in one read-only REPEATABLE READ snapshot on
   * a connection of its own (a consistent export however long it runs), with backpressure from
   * the socket to the page queries. Each page query is bounded by QUERY_TIMEOUT_MS; a client
   * that stops reading ends the transaction after EXPORT_IDLE_TIMEOUT_MS; `signal` ends it early.
   */
  async stream(
    produce: (session: SqlSession) => AsyncIterable<string>,
    sink: Writable,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.connection.transaction(async (session) => {
      await session.query(
        `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(this.timeoutMs)}; ` +
          `SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(this.settings.exportIdleTimeoutMs)}`,
      );
      await pipeline(Readable.from(chunked(produce(session))), sink, { signal });
    });
  }

  heads(order: 'asc' | 'desc', cursor: number | undefined, limit: number): Promise<CheckpointHead[]> {
    return this.snapshot((session) => readCheckpointHeads(session, order, cursor, limit));
  }

  checkpoint(number: number): Promise<SignedCheckpoint | undefined> {
    return this.snapshot((session) => readCheckpoint(session, number));
  }

  /** True for the id of a Keycloak auth event (never sealed), which only whole-trail readers may see. */
  async authEventExists(id: string): Promise<boolean> {
    const query = authByIdQuery(id);
    if (!query) return false;
    return this.snapshot(async (session) => (await session.query(query.text, query.values)).rows.length > 0);
  }

  /** The event within the caller's scope and where it stands in the sealed trail, in one snapshot; undefined when unreadable. */
  subject(id: string, scope: ReadScope): Promise<{ subject: ProofSubject; seal: SealState } | undefined> {
    return this.snapshot(async (session) => {
      const query = proofSubjectQuery(id, scope);
      const { rows } = await session.query<{ id: string; xact_id: string; seq: string; event: unknown }>(
        query.text,
        query.values,
      );
      if (rows.length === 0) return undefined;
      const subject = { id: rows[0].id, position: { xactId: rows[0].xact_id, seq: rows[0].seq }, event: rows[0].event };
      return { subject, seal: await this.sealStateOf(session, subject.position) };
    });
  }

  private async snapshot<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    try {
      return await this.connection.transaction(async (session) => {
        await session.query(
          `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(this.timeoutMs)}`,
        );
        return work(session);
      });
    } catch (error) {
      if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
      throw new ApiError(
        503,
        'QUERY.TIMEOUT',
        `the query ran longer than ${Math.trunc(this.timeoutMs)} ms (QUERY_TIMEOUT_MS) and was stopped`,
        { timeoutMs: Math.trunc(this.timeoutMs) },
      );
    }
  }

  /** Where a position stands; a covering checkpoint's leaf list is read only when no prover for it is kept. */
  private async sealStateOf(session: SqlSession, position: TrailPosition): Promise<SealState> {
    const head = await checkpointHeadCovering(session, position);
    if (head) {
      let prover = this.provers.get(head);
      if (!prover) {
        const checkpoint = await readCheckpoint(session, head.number);
        // the snapshot saw the head, so it sees the row
        prover = new CheckpointProver(checkpoint!);
        this.provers.add(prover);
      }
      return { kind: 'covered', prover };
    }
    // the newest checkpoint's range ends where sealing has reached (its leaf list is not needed)
    const [last] = await readCheckpointHeads(session, 'desc', undefined, 1);
    if (!last || compareTrailPositions(position, last.last) > 0) return { kind: 'pending', lastSealed: last?.last };
    return { kind: 'uncovered' };
  }
}
