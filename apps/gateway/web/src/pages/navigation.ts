import { ADMIN_PAGES } from '../admin/admin-pages';
import type { Me } from '../api/http';
import { byId, h } from '../views/dom';
import { pathOf, type Route } from './routes';

/** A workspace as the navigation names it: by name where the projection knows it, else by id. */
export interface WorkspaceLink {
  id: string;
  name: string | null;
}

function link(route: Route, label: string, current: Route): HTMLElement {
  const href = pathOf(route, import.meta.env.BASE_URL);
  const attributes: Record<string, string> = { href };
  if (href === pathOf(current, import.meta.env.BASE_URL)) attributes['aria-current'] = 'page';
  return h('li', {}, h('a', attributes, label));
}

/**
 * The areas a person may use: the Admin Area (Compliance > Event Logs and the admin pages) for
 * platform admins, and Compliance > Event Logs of each workspace they own or manage.
 */
export function renderNavigation(me: Me, workspaces: readonly WorkspaceLink[], current: Route): void {
  const groups: HTMLElement[] = [];
  if (me.admin) {
    groups.push(
      h(
        'div',
        { class: 'nav-group' },
        h('h2', { id: 'nav-admin' }, 'Admin Area'),
        h(
          'ul',
          { 'aria-labelledby': 'nav-admin' },
          link({ area: 'admin', page: 'event-logs' }, 'Compliance › Event Logs', current),
          ...ADMIN_PAGES.map((page) => link({ area: 'admin', page: 'other', path: page.path }, page.title, current)),
        ),
      ),
    );
  }
  if (workspaces.length > 0) {
    groups.push(
      h(
        'div',
        { class: 'nav-group' },
        h('h2', { id: 'nav-workspaces' }, 'Workspaces'),
        h(
          'ul',
          { 'aria-labelledby': 'nav-workspaces' },
          ...workspaces.map((workspace) =>
            link(
              { area: 'workspace', workspace: workspace.id, page: 'event-logs' },
              `${workspace.name ?? workspace.id} › Compliance › Event Logs`,
              current,
            ),
          ),
        ),
      ),
    );
  }
  const nav = byId('areas');
  nav.replaceChildren(...groups);
  nav.hidden = groups.length === 0;
}
