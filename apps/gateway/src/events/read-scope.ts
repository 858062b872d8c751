import { ApiError, type Principal } from '@meshtrail/auth';
import type { EventFilter } from './query/event-filter';
import type { ReadScope } from './store/event-sql';

/** Admins read everything; others their workspaces; nobody else anything (403). */
export function readScopeOf(principal: Principal): ReadScope {
  if (principal.admin) return { all: true };
  if (principal.workspaces.length === 0) {
    throw new ApiError(403, 'QUERY.FORBIDDEN', 'you are not an owner or manager of any workspace');
  }
  return { all: false, workspaces: principal.workspaces };
}

/** The values of a filter's workspace conditions (ids or names), each once. */
export function workspaceValues(filter: EventFilter): string[] {
  return [...new Set(filter.conditions.flatMap((c) => (c.field === 'workspace' ? c.values : [])))];
}

/**
 * The filter with each workspace value replaced by the workspaces it names (`named`: value → ids,
 * the value itself among them). For an owner or manager a positive value is narrowed to their
 * workspaces, and one that names none of them (another workspace's id or name, or nothing) is a
 * 403 naming it: the same answer whether such a workspace exists or not.
 */
export function resolveWorkspaces(
  filter: EventFilter,
  named: ReadonlyMap<string, readonly string[]>,
  scope: ReadScope,
): EventFilter {
  const outside: string[] = [];
  const conditions = filter.conditions.map((condition) => {
    if (condition.field !== 'workspace') return condition;
    const values = condition.values.flatMap((value) => {
      const ids = named.get(value) ?? [value];
      if (scope.all || condition.negated) return ids;
      const readable = ids.filter((id) => scope.workspaces.includes(id));
      if (readable.length === 0) outside.push(value);
      return readable;
    });
    return { ...condition, values: [...new Set(values)] };
  });
  if (outside.length > 0) {
    throw new ApiError(403, 'QUERY.FORBIDDEN', `you may not read the events of workspace ${outside.join(', ')}`, {
      workspaces: outside,
    });
  }
  return { ...filter, conditions };
}
