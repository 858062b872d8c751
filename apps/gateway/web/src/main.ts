import './styles.css';
import {
  beginSignIn,
  completeSignIn,
  currentSession,
  forgetSession,
  isSignInCallback,
  keepSessionAlive,
  refreshSession,
  signOut,
  type OidcClientConfig,
} from './auth/session';
import { ADMIN_PAGES } from './admin/admin-pages';
import { fetchWorkspaces } from './api/events-api';
import { fetchMe, getJson, type Me } from './api/http';
import { renderNavigation, type WorkspaceLink } from './pages/navigation';
import { routeOf, pathOf, type Route } from './pages/routes';
import type { ViewContext } from './pages/view-context';
import { byId, showOnly } from './views/dom';
import { EventLogsPage } from './views/event-logs-page';

/** What the gateway tells the page (GET /ui/config.json). */
interface UiConfig {
  /** null when the gateway has no OIDC issuer (AUTH_OIDC_ISSUER): there is nobody to sign in with. */
  oidc: OidcClientConfig | null;
}

const SECTIONS = ['loading', 'sign-in', 'logs', 'admin-view'] as const;
const REDIRECT_URI = new URL(import.meta.env.BASE_URL, window.location.origin).toString();

function showSignIn(oidc: OidcClientConfig | null, message = ''): void {
  byId('session').hidden = true;
  byId('areas').hidden = true;
  byId('view-title').hidden = true;
  byId('view-problem').hidden = true;
  byId('sign-in-error').textContent = message;
  const button = byId<HTMLButtonElement>('sign-in-button');
  button.disabled = oidc === null;
  if (oidc === null)
    byId('sign-in-error').textContent = 'Sign-in is not configured on this gateway (AUTH_OIDC_ISSUER).';
  button.onclick = () => {
    button.disabled = true;
    void beginSignIn(oidc!, REDIRECT_URI, `${window.location.pathname}${window.location.search}`);
  };
  showOnly('sign-in', SECTIONS);
  if (oidc) button.focus();
}

async function start(): Promise<void> {
  const response = await fetch(new URL('config.json', REDIRECT_URI), { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`the page's configuration could not be loaded (${response.status})`);
  const config = (await response.json()) as UiConfig;
  const url = new URL(window.location.href);
  if (config.oidc && isSignInCallback(url)) {
    try {
      const returnTo = await completeSignIn(config.oidc, REDIRECT_URI, url);
      history.replaceState(null, '', returnTo);
    } catch (error) {
      history.replaceState(null, '', window.location.pathname);
      return showSignIn(config.oidc, (error as Error).message);
    }
  }
  const oidc = config.oidc;
  // a tab reopened after its access token expired still has its refresh token
  const session = oidc ? (currentSession() ?? (await refreshSession(oidc).catch(() => undefined))) : undefined;
  if (!oidc || !session) return showSignIn(oidc);

  const ended = (message: string) => {
    stopRefreshing();
    forgetSession();
    showSignIn(oidc, message);
  };
  const stopRefreshing = keepSessionAlive(oidc, () => ended('Your session has ended. Please sign in again.'));
  byId('session-name').textContent = session.name;
  byId('session').hidden = false;
  byId('sign-out').onclick = () => {
    stopRefreshing();
    // off to the issuer to end the session there, which sends the browser back here
    if (!signOut(oidc, REDIRECT_URI)) showSignIn(oidc, 'You have signed out.');
  };
  const token = () => currentSession()?.accessToken;
  const me = await fetchMe(session.accessToken);
  const workspaces = await workspaceLinks(me, session.accessToken);
  let route = routeOf(window.location.pathname, import.meta.env.BASE_URL);
  if (route.area === 'home') {
    route = homeOf(me, workspaces, new URLSearchParams(window.location.search));
    history.replaceState(null, '', `${pathOf(route, import.meta.env.BASE_URL)}${window.location.search}`);
  }
  const own = route.area === 'workspace' ? ownWorkspace(workspaces, route.workspace) : undefined;
  if (route.area === 'workspace' && own && own.id !== route.workspace) {
    // the address named one of the person's workspaces by its name: the view goes by its id
    route = { ...route, workspace: own.id };
    history.replaceState(null, '', `${pathOf(route, import.meta.env.BASE_URL)}${window.location.search}`);
  }
  renderNavigation(me, workspaces, route);
  showView(route, { me, token, expired: ended }, workspaces);
}

/** The workspaces the person reads, named where the gateway knows the name. */
async function workspaceLinks(me: Me, token: string): Promise<WorkspaceLink[]> {
  const named = await getJson<{ workspaces: WorkspaceLink[] }>('/api/v1/workspaces', token)
    .then((answer) => new Map(answer.workspaces.map((workspace) => [workspace.id, workspace.name])))
    .catch(() => new Map<string, string | null>());
  return me.workspaces.map((id) => ({ id, name: named.get(id) ?? null }));
}

/** The workspace of `wanted` (an id, or a name in any letter case) among the person's, if any. */
function ownWorkspace(workspaces: readonly WorkspaceLink[], wanted: string): WorkspaceLink | undefined {
  const folded = wanted.trim().toLowerCase();
  return (
    workspaces.find((workspace) => workspace.id === wanted) ??
    workspaces.find((workspace) => workspace.name?.trim().toLowerCase() === folded)
  );
}

/**
 * Where /ui/ leads: admins to the Admin Area's Event Logs (with the filters of the address),
 * others to the workspace its Workspace filter names (by id or name), else to their first workspace.
 */
function homeOf(me: Me, workspaces: readonly WorkspaceLink[], search: URLSearchParams): Route {
  if (me.admin || workspaces.length === 0) return { area: 'admin', page: 'event-logs' };
  const named = search.get('workspace')?.trim();
  const workspace = named ? (ownWorkspace(workspaces, named)?.id ?? named) : workspaces[0].id;
  return { area: 'workspace', workspace, page: 'event-logs' };
}

function showView(route: Route, context: ViewContext, workspaces: readonly WorkspaceLink[]): void {
  const title = byId('view-title');
  const problem = byId('view-problem');
  title.hidden = false;
  problem.hidden = true;
  const refuse = (heading: string, message: string) => {
    title.textContent = heading;
    problem.textContent = message;
    problem.hidden = false;
    showOnly('admin-view', SECTIONS);
  };
  if (!context.me.admin && workspaces.length === 0) {
    return refuse(
      'No event logs for you',
      `You are signed in as ${context.me.name}, but you are neither a platform admin nor an owner or manager of a ` +
        'workspace, so there are no event logs for you to read. A platform admin can give you a workspace role.',
    );
  }
  if (route.area === 'admin' && !context.me.admin) {
    return refuse('Admin Area', 'The Admin Area is for platform admins; you are not one.');
  }
  if (route.area === 'admin' && route.page === 'event-logs') {
    title.textContent = 'Compliance › Event Logs';
    document.title = 'Event Logs · Admin Area · meshtrail';
    showOnly('logs', SECTIONS);
    return new EventLogsPage(context).start();
  }
  if (route.area === 'workspace') {
    const own = ownWorkspace(workspaces, route.workspace);
    if (!context.me.admin && !own) {
      const yours = workspaces.map((workspace) => workspace.name ?? workspace.id).join(', ');
      return refuse(
        `${route.workspace} › Compliance › Event Logs`,
        `You may not read the event logs of workspace ${route.workspace}: you are not one of its owners or ` +
          `managers. Yours: ${yours}.`,
      );
    }
    const named = (name: string) => {
      title.textContent = `${name} › Compliance › Event Logs`;
      document.title = `Event Logs · ${name} · meshtrail`;
    };
    named(own?.name ?? route.workspace);
    // an admin at any workspace's address: its name, where the trail named it
    const token = context.token();
    if (!own && token)
      void fetchWorkspaces(token, route.workspace, 1000)
        .then((found) => found.find((workspace) => workspace.id === route.workspace)?.name)
        .then((name) => name && named(name))
        .catch(() => undefined);
    showOnly('logs', SECTIONS);
    return new EventLogsPage(context, { workspace: route.workspace }).start();
  }
  const page = route.area === 'admin' ? ADMIN_PAGES.find((candidate) => candidate.path === route.path) : undefined;
  if (!page) return refuse('Not found', 'There is no such page. Choose one of the areas above.');
  title.textContent = page.title;
  document.title = `${page.title} · Admin Area · meshtrail`;
  const container = byId('admin-view');
  container.replaceChildren();
  showOnly('admin-view', SECTIONS);
  page.render(container, context);
}

start().catch((error: unknown) => {
  byId('loading').textContent = `The page could not start: ${(error as Error).message}`;
});
