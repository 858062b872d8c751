/** Where the page is, read from its address under /ui/ (the gateway answers every such address with the page). */
export type Route =
  | { area: 'admin'; page: 'event-logs' }
  | { area: 'admin'; page: 'other'; path: string }
  | { area: 'workspace'; workspace: string; page: 'event-logs' }
  | { area: 'home' }
  | { area: 'unknown'; path: string };

export const ADMIN_EVENT_LOGS = 'admin/compliance/event-logs';

/** The route of `pathname` (`/ui/admin/compliance/event-logs`, `/ui/workspaces/ws-1/compliance/event-logs`). */
export function routeOf(pathname: string, base = '/ui/'): Route {
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : pathname.replace(/^\/+/, '');
  const segments = rest.split('/').filter(Boolean);
  if (segments.length === 0) return { area: 'home' };
  if (segments.join('/') === ADMIN_EVENT_LOGS) return { area: 'admin', page: 'event-logs' };
  if (segments[0] === 'admin' && segments.length === 2) return { area: 'admin', page: 'other', path: segments[1] };
  if (
    segments[0] === 'workspaces' &&
    segments.length === 4 &&
    segments[2] === 'compliance' &&
    segments[3] === 'event-logs'
  ) {
    let workspace: string;
    try {
      workspace = decodeURIComponent(segments[1]);
    } catch {
      return { area: 'unknown', path: rest };
    }
    return { area: 'workspace', workspace, page: 'event-logs' };
  }
  return { area: 'unknown', path: rest };
}

/** The address of a route, under `base`. */
export function pathOf(route: Route, base = '/ui/'): string {
  switch (route.area) {
    case 'home':
      return base;
    case 'admin':
      return route.page === 'event-logs' ? `${base}${ADMIN_EVENT_LOGS}` : `${base}admin/${route.path}`;
    case 'workspace':
      return `${base}workspaces/${encodeURIComponent(route.workspace)}/compliance/event-logs`;
    case 'unknown':
      return `${base}${route.path}`;
  }
}
