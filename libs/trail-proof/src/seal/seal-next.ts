import { INGEST_ROLE, TRAIL_PROJECTION, TRAIL_START, type TrailPosition } from '@meshtrail/audit-store';
import { inTransaction, type SqlSession } from '@meshtrail/database';
import type { SignedCheckpoint } from '../checkpoint/checkpoint';
import { insertCheckpoint, lastCheckpoint } from '../checkpoint/checkpoint.store';
import type { CheckpointSigner } from '../checkpoint/seal-keys';
import { entryDigest, type SealedLeaf } from '../checkpoint/sealed-leaf';
import { composeCheckpoint } from './compose-checkpoint';

/** Held (transaction-scoped) by whoever seals: one sealer at a time, and a checkpoint number is never taken twice. */
export const SEALER_LOCK = 7_281_930_005;

export interface SealOptions {
  signer: CheckpointSigner;
  /** Events per checkpoint at most: bounds a checkpoint's leaf list (56 bytes an event) and a proof's work. */
  maxEvents: number;
  now: () => Date;
  /** Decides whether a purge request may be sealed (a cutoff too recent is a deletion, not retention). */
  acceptPurge?: (purge: { cutoff: Date; requestedAt: Date }) => boolean;
}

export interface SealStep {
  /** False when another sealer held the lock. */
  ran: boolean;
  /** Checkpoints made by this step, in order. */
  sealed: SignedCheckpoint[];
  /** Events sealed by this step. */
  events: number;
  /** Purge requests refused by acceptPurge: they stay unsealed, and refused on every later step. */
  refusedPurges: string[];
}

/**
 * Seals, in one transaction, the next events the projector has passed (at most maxEvents of
 * them) into an events checkpoint, then each purge request not sealed yet into a purge
 * checkpoint. Only rows at or below the projection position are read: below it nothing can
 * commit any more, so no in-flight check and no write lock are needed.
 */
export async function sealNext(client: SqlSession, options: SealOptions): Promise<SealStep> {
  return inTransaction(client, async () => {
    const [{ locked }] = (
      await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [SEALER_LOCK])
    ).rows;
    if (!locked) return { ran: false, sealed: [], events: 0, refusedPurges: [] };
    await client.query(`SET LOCAL ROLE ${INGEST_ROLE}`);
    const sealed: SignedCheckpoint[] = [];
    let previous = await lastCheckpoint(client);
    const append = async (content: Parameters<typeof composeCheckpoint>[1]) => {
      const checkpoint = composeCheckpoint(previous, content, options.signer, options.now());
      await insertCheckpoint(client, checkpoint);
      sealed.push(checkpoint);
      previous = checkpoint;
    };

    const leaves = await readLeaves(client, previous?.last ?? TRAIL_START, options.maxEvents);
    if (leaves.length > 0) await append({ leaves });

    const refusedPurges: string[] = [];
    for (const request of await pendingPurges(client)) {
      if (options.acceptPurge && !options.acceptPurge({ cutoff: request.cutoff, requestedAt: request.requestedAt })) {
        refusedPurges.push(request.id);
        continue;
      }
      await append({
        purge: {
          request: request.id,
          cutoff: request.cutoff.toISOString(),
          requestedAt: request.requestedAt.toISOString(),
        },
      });
    }
    return { ran: true, sealed, events: leaves.length, refusedPurges };
  });
}

async function readLeaves(client: SqlSession, after: TrailPosition, limit: number): Promise<SealedLeaf[]> {
  const { rows } = await client.query<{ xact_id: string; seq: string; occurred_us: string; id: string; hash: string }>(
    `SELECT e.xact_id::text, e.seq::text, (extract(epoch FROM e.occurred_at) * 1000000)::bigint::text AS occurred_us,
            e.id, e.hash
     FROM audit_events e, projection_positions p
     WHERE p.projection = $1
       AND (e.xact_id, e.seq) > ($2::xid8, $3::bigint) AND (e.xact_id, e.seq) <= (p.xact_id, p.seq)
     ORDER BY e.xact_id, e.seq
     LIMIT $4`,
    [TRAIL_PROJECTION, after.xactId, after.seq, Math.max(1, Math.floor(limit))],
  );
  return rows.map((row) => ({
    position: { xactId: row.xact_id, seq: row.seq },
    occurredUs: BigInt(row.occurred_us),
    // the hash the ingest computed from the canonical form: verification recomputes it from the raw event
    entry: entryDigest(row.id, row.hash),
  }));
}

async function pendingPurges(client: SqlSession): Promise<Array<{ id: string; cutoff: Date; requestedAt: Date }>> {
  const { rows } = await client.query<{ id: string; cutoff: Date; requested_at: Date }>(
    `SELECT r.id::text, r.cutoff, r.requested_at FROM audit_purge_requests r
     WHERE NOT EXISTS (SELECT 1 FROM audit_checkpoints c
                       WHERE c.kind = 'purge' AND (c.purge->>'request')::bigint = r.id)
     ORDER BY r.id`,
  );
  return rows.map((row) => ({ id: row.id, cutoff: row.cutoff, requestedAt: row.requested_at }));
}

/** Records, before retention removes audit events, what it is about to remove; the sealer signs it. */
export async function requestPurgeSeal(client: SqlSession, purge: { store: string; cutoff: Date }): Promise<void> {
  await client.query('INSERT INTO audit_purge_requests (store, cutoff) VALUES ($1, $2)', [purge.store, purge.cutoff]);
}
