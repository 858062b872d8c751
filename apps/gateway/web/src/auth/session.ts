import { codeChallenge, randomToken } from './pkce';

/** How the page signs in: served by the gateway at /ui/config.json from its OIDC configuration. */
export interface OidcClientConfig {
  issuer: string;
  clientId: string;
  scope: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Where signing out also ends the session at the issuer; absent: only this tab forgets it. */
  endSessionEndpoint?: string;
}

export interface Session {
  accessToken: string;
  /** Epoch milliseconds, a little before the token really expires. */
  expiresAt: number;
  /** For the header only; the gateway decides what this person may read. */
  name: string;
  /** Exchanged for a new access token before this one expires (absent: the session ends with the token). */
  refreshToken?: string;
  /** Names the session when signing out at the issuer. */
  idToken?: string;
}

export class SignInError extends Error {}

// sessionStorage: one tab's session, gone when the tab closes; never localStorage.
const SESSION_KEY = 'meshtrail.session';
const PENDING_KEY = 'meshtrail.signin';
const EXPIRY_SLACK_MS = 10_000;

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

function claimsOf(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function storedSession(): Session | undefined {
  const stored = sessionStorage.getItem(SESSION_KEY);
  return stored ? (JSON.parse(stored) as Session) : undefined;
}

/** The session while its access token is valid (a refresh may still revive an expired one). */
export function currentSession(now = Date.now()): Session | undefined {
  const session = storedSession();
  return session && session.expiresAt > now ? session : undefined;
}

/** Forgets the session in this tab only. */
export function forgetSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/**
 * Signs out: forgets the session here and, when the issuer has an end-session endpoint, ends the
 * session there too (else the next sign-in would find the person still signed in at the issuer),
 * which sends the browser back to `redirectUri`. False when there was nothing to end at the issuer.
 */
export function signOut(oidc: OidcClientConfig, redirectUri: string): boolean {
  const session = storedSession();
  forgetSession();
  if (!oidc.endSessionEndpoint || !session?.idToken) return false;
  const url = new URL(oidc.endSessionEndpoint);
  url.search = new URLSearchParams({
    client_id: oidc.clientId,
    id_token_hint: session.idToken,
    post_logout_redirect_uri: redirectUri,
  }).toString();
  window.location.assign(url.toString());
  return true;
}

/** Keeps the answer of the token endpoint as the session; `previous` lends what a refresh answer may leave out. */
function keepTokens(body: Record<string, unknown>, previous?: Session): Session | undefined {
  if (typeof body.access_token !== 'string') return undefined;
  const claims = claimsOf(body.access_token);
  const lifetimeMs =
    typeof body.expires_in === 'number'
      ? body.expires_in * 1000
      : typeof claims.exp === 'number'
        ? claims.exp * 1000 - Date.now()
        : 300_000;
  const name = [claims.preferred_username, claims.name, claims.email, claims.sub].find((v) => typeof v === 'string');
  const session: Session = {
    accessToken: body.access_token,
    expiresAt: Date.now() + lifetimeMs - EXPIRY_SLACK_MS,
    name: (name as string | undefined) ?? previous?.name ?? 'signed in',
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : previous?.refreshToken,
    idToken: typeof body.id_token === 'string' ? body.id_token : previous?.idToken,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

/**
 * Exchanges the refresh token for a new access token (refresh_token grant, as the public client).
 * Undefined, and the session forgotten, when there is none or the issuer refuses it (the session
 * at the issuer ended or timed out); a network failure leaves the session for the next try.
 */
export async function refreshSession(oidc: OidcClientConfig): Promise<Session | undefined> {
  const previous = storedSession();
  if (!previous?.refreshToken) return undefined;
  const response = await fetch(oidc.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: previous.refreshToken,
      client_id: oidc.clientId,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const session = response.ok ? keepTokens(body, previous) : undefined;
  if (!session && response.status >= 400 && response.status < 500) forgetSession();
  return session;
}

const RETRY_MS = 5_000;

/**
 * Refreshes the access token shortly before it expires, for as long as the issuer allows;
 * `ended` is called once it refuses. Returns a function that stops it (on sign-out).
 */
export function keepSessionAlive(oidc: OidcClientConfig, ended: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => void refresh(), Math.max(0, delayMs));
  };
  const refresh = async () => {
    if (stopped) return;
    try {
      const session = await refreshSession(oidc);
      if (session) return schedule(session.expiresAt - Date.now());
      if (!storedSession()) return ended();
    } catch {
      // the issuer could not be reached: try again while the access token lasts
    }
    const session = storedSession();
    if (session && session.expiresAt + EXPIRY_SLACK_MS > Date.now()) schedule(RETRY_MS);
    else ended();
  };
  const session = storedSession();
  if (session?.refreshToken) schedule(session.expiresAt - Date.now());
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Authorization code with PKCE (S256): off to the issuer, which comes back to `redirectUri` with a code. */
export async function beginSignIn(oidc: OidcClientConfig, redirectUri: string, returnTo: string): Promise<void> {
  const pending: PendingSignIn = { state: randomToken(), verifier: randomToken(), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(oidc.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri,
    scope: oidc.scope,
    state: pending.state,
    code_challenge: await codeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

/** True when the address is the issuer's answer to a sign-in (a code or an error, with our state). */
export function isSignInCallback(url: URL): boolean {
  return url.searchParams.has('state') && (url.searchParams.has('code') || url.searchParams.has('error'));
}

/**
 * Exchanges the code for a token (sending the PKCE verifier) and keeps the session. Returns where
 * the person was before signing in. Refuses an answer whose state is not the one we sent.
 */
export async function completeSignIn(oidc: OidcClientConfig, redirectUri: string, url: URL): Promise<string> {
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = stored ? (JSON.parse(stored) as PendingSignIn) : undefined;
  if (!pending || pending.state !== url.searchParams.get('state')) {
    throw new SignInError('This sign-in answer does not belong to a sign-in started here. Please sign in again.');
  }
  const error = url.searchParams.get('error');
  if (error) {
    throw new SignInError(`Sign-in failed: ${url.searchParams.get('error_description') ?? error}`);
  }
  const response = await fetch(oidc.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: url.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      client_id: oidc.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || !keepTokens(body)) {
    const reason = typeof body.error_description === 'string' ? body.error_description : body.error;
    throw new SignInError(`The identity provider refused the sign-in: ${String(reason ?? response.status)}`);
  }
  return pending.returnTo;
}
