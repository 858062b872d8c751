import type { TrailPosition } from '@meshtrail/audit-store';
import { checkEventProof, type EventInclusionProof, type ProofChecks, type PublicKeySet } from '@meshtrail/trail-proof';
import type { ProofSubject, SealState } from './proof-store.reader';

/** An event's inclusion proof, and what the gateway found when it checked it. */
export interface SealedEventProof extends EventInclusionProof {
  eventId: string;
  sealed: true;
  position: TrailPosition;
  /** Checked here against the event as stored and AUDIT_SEAL_PUBLIC_KEYS: a statement of the gateway, not a proof. */
  checks: ProofChecks;
}

/** Why a readable event has no proof; `code` is stable. */
export type UnsealedCode = 'PROOF.NOT_SEALED_YET' | 'PROOF.NOT_SEALABLE' | 'PROOF.NOT_IN_CHECKPOINT';

export interface UnsealedEvent {
  eventId: string;
  sealed: false;
  code: UnsealedCode;
  message: string;
  position?: TrailPosition;
}

export type EventProofAnswer = SealedEventProof | UnsealedEvent;

/**
 * The answer for a readable event: its proof from the checkpoint that covers it, checked against
 * the event as stored (and `keys`, when the gateway has them), or why there is none.
 */
export function proofAnswer(subject: ProofSubject, seal: SealState, keys: PublicKeySet | undefined): EventProofAnswer {
  const base = { eventId: subject.id, position: subject.position };
  if (seal.kind === 'pending') {
    return {
      ...base,
      sealed: false,
      code: 'PROOF.NOT_SEALED_YET',
      message:
        'the sealer has not reached this event yet (it seals every AUDIT_SEAL_INTERVAL_SECONDS what the projector has passed): ask again later',
    };
  }
  const proof = seal.kind === 'covered' ? seal.prover.prove(subject.position) : undefined;
  if (!proof) {
    return {
      ...base,
      sealed: false,
      code: 'PROOF.NOT_IN_CHECKPOINT',
      message:
        seal.kind === 'covered'
          ? `the event stands inside the range of checkpoint ${seal.prover.checkpoint.number}, which sealed no event at its position: it was inserted after sealing (admin-cli verify names it)`
          : 'the event stands in the sealed part of the trail, but no events checkpoint covers its position: a checkpoint is missing (admin-cli verify names it)',
    };
  }
  return { ...base, sealed: true, ...proof, checks: checkEventProof(proof, subject, keys) };
}
