import { ApiError, type Principal } from '@meshtrail/auth';
import type { ReadScope } from './store/event-sql';

/** Admins read everything; others their workspaces; nobody else anything (403). */
export function readScopeOf(principal: Principal): ReadScope {
  if (principal.admin) return { all: true };
  if (principal.workspaces.length === 0) {
    throw new ApiError(403, 'QUERY.FORBIDDEN', 'you are not an owner or manager of any workspace');
  }
  return { all: false, workspaces: principal.workspaces };
}
