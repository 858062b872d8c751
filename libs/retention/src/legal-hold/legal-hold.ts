import type { ActorKind } from '@meshtrail/contracts';

/** Who placed or released a hold: an authenticated principal, or an operator at the admin CLI. */
export interface HoldActor {
  readonly kind: ActorKind;
  readonly id: string;
  readonly name: string;
}

/** A workspace's data kept beyond every retention policy until the hold is released. */
export interface LegalHold {
  readonly id: number;
  readonly workspace: string;
  readonly reason: string;
  readonly placedBy: HoldActor;
  readonly placedAt: Date;
  readonly releasedBy?: HoldActor;
  readonly releasedAt?: Date;
  readonly releaseReason?: string;
}

/** Expected failures of hold operations, with stable codes mapped once to HTTP statuses or CLI exits. */
export const HOLD_FAILURES = {
  ALREADY_HELD: 'LEGAL_HOLD.ALREADY_HELD',
  NOT_HELD: 'LEGAL_HOLD.NOT_HELD',
  INVALID: 'LEGAL_HOLD.INVALID',
} as const;
export type HoldFailureCode = (typeof HOLD_FAILURES)[keyof typeof HOLD_FAILURES];

export class LegalHoldError extends Error {
  constructor(
    readonly code: HoldFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'LegalHoldError';
  }
}
