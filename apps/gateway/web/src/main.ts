import './styles.css';
import {
  beginSignIn,
  completeSignIn,
  currentSession,
  isSignInCallback,
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
  const session = currentSession();
  if (!session) return showSignIn(config.oidc);

  byId('session-name').textContent = session.name;
  byId('session').hidden = false;
  byId('sign-out').onclick = () => {
    signOut();
    showSignIn(config.oidc, 'You have signed out.');
  };
  showOnly('logs', SECTIONS);
  new EventLogsPage({
    token: () => currentSession()?.accessToken,
    expired: (message) => {
      signOut();
      showSignIn(config.oidc, message);
    },
  }).start();
}

start().catch((error: unknown) => {
  byId('loading').textContent = `The page could not start: ${(error as Error).message}`;
});
