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
import { byId, showOnly } from './views/dom';
import { EventLogsPage } from './views/event-logs-page';

/** What the gateway tells the page (GET /ui/config.json). */
interface UiConfig {
  /** null when the gateway has no OIDC issuer (AUTH_OIDC_ISSUER): there is nobody to sign in with. */
  oidc: OidcClientConfig | null;
}

const SECTIONS = ['loading', 'sign-in', 'logs'] as const;
const REDIRECT_URI = new URL(import.meta.env.BASE_URL, window.location.origin).toString();

function showSignIn(oidc: OidcClientConfig | null, message = ''): void {
  byId('session').hidden = true;
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
  showOnly('logs', SECTIONS);
  new EventLogsPage({ token: () => currentSession()?.accessToken, expired: ended }).start();
}

start().catch((error: unknown) => {
  byId('loading').textContent = `The page could not start: ${(error as Error).message}`;
});
