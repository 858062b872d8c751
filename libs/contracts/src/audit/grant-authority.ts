import type { AuditEventData } from './audit-event';
import { EVENT_FAILURES, failure, type EventFailure } from './failure';

/** The object type whose events change who may read a workspace. */
export const GRANT_OBJECT_TYPE = 'WorkspaceAccess';

/**
 * Whether a valid event may be stored from where it was read: WorkspaceAccess events only from
 * the grants topic (which only the identity components may write), and nothing else there.
 * Undefined when it may; otherwise the failure it is dead-lettered with.
 */
export function grantAuthorityFailure(
  data: Pick<AuditEventData, 'objectType' | 'action'>,
  fromGrantsTopic: boolean,
): EventFailure | undefined {
  const isGrant = data.objectType === GRANT_OBJECT_TYPE;
  if (isGrant && !fromGrantsTopic) {
    return failure(
      EVENT_FAILURES.GRANT_NOT_FROM_AUTHORITY,
      `data.objectType: a WorkspaceAccess ${data.action} event changes who may read a workspace and is taken only from access.grants.v1, which only the platform's identity components may write`,
    );
  }
  if (!isGrant && fromGrantsTopic) {
    return failure(
      EVENT_FAILURES.GRANT_NOT_A_GRANT,
      `data.objectType: access.grants.v1 carries WorkspaceAccess events only, not ${data.objectType}; publish it to audit.events.v1`,
    );
  }
  return undefined;
}
