import type { AuditPublish } from '../audit/retention-audit-events';
import { legalHoldPlaced, legalHoldReleased } from '../audit/retention-audit-events';
import { inTransaction, type WithSession } from '@meshtrail/database';
import { lockHoldsExclusive } from './hold-lock';
import { HOLD_FAILURES, LegalHoldError, type HoldActor, type LegalHold } from './legal-hold';
import { activeHold, insertHold, markReleased } from './legal-hold.store';

export interface HoldCommand {
  readonly workspace: string;
  readonly reason: string;
  readonly by: HoldActor;
}

const WORKSPACE = /^[^\s\p{Cc}]{1,256}$/u;

function checked(command: HoldCommand): HoldCommand {
  const workspace = typeof command.workspace === 'string' ? command.workspace.trim() : '';
  const reason = typeof command.reason === 'string' ? command.reason.trim() : '';
  if (!WORKSPACE.test(workspace)) {
    throw new LegalHoldError(HOLD_FAILURES.INVALID, 'workspace: required, one word of at most 256 characters');
  }
  if (reason.length === 0 || reason.length > 1024 || /[\r\n]/.test(reason)) {
    throw new LegalHoldError(HOLD_FAILURES.INVALID, 'reason: required, one line of at most 1024 characters');
  }
  if (!command.by?.id || !command.by?.name) {
    throw new LegalHoldError(HOLD_FAILURES.INVALID, 'principal: who places or releases the hold must be known');
  }
  return { workspace, reason, by: command.by };
}

/**
 * Places and releases legal holds. Each change and its audit event go together: the hold is
 * committed only once the broker acknowledged the event, and a refused or failed publish leaves
 * no hold behind. Placing waits for any deleting statement in flight, so when it returns
 * nothing of the workspace can be deleted any more.
 */
export class LegalHoldService {
  constructor(
    private readonly sessions: WithSession,
    private readonly publish: AuditPublish,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async place(command: HoldCommand): Promise<LegalHold> {
    const { workspace, reason, by } = checked(command);
    return this.sessions((sql) =>
      inTransaction(sql, async () => {
        await lockHoldsExclusive(sql);
        if (await activeHold(sql, workspace)) {
          throw new LegalHoldError(HOLD_FAILURES.ALREADY_HELD, `workspace ${workspace} is already under legal hold`);
        }
        const hold = await insertHold(sql, { workspace, reason, by, at: this.now() });
        await this.publish([legalHoldPlaced(hold)]);
        return hold;
      }),
    );
  }

  async release(command: HoldCommand): Promise<LegalHold> {
    const { workspace, reason, by } = checked(command);
    return this.sessions((sql) =>
      inTransaction(sql, async () => {
        await lockHoldsExclusive(sql);
        const hold = await activeHold(sql, workspace);
        if (!hold) throw new LegalHoldError(HOLD_FAILURES.NOT_HELD, `workspace ${workspace} is not under legal hold`);
        const released = await markReleased(sql, { id: hold.id, reason, by, at: this.now() });
        await this.publish([legalHoldReleased(released)]);
        return released;
      }),
    );
  }
}
