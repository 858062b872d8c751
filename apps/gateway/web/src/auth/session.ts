import { codeChallenge, randomToken } from './pkce';

/** How the page signs in: served by the gateway at /ui/config.json from its OIDC configuration. */
export interface OidcClientConfig {
  issuer: string;
  clientId: string;
  scope: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
}

export interface Session {
  accessToken: string;
  /** Epoch milliseconds, a little before the token really expires. */
  expiresAt: number;
  /** For the header only; the gateway decides what this person may read. */
  name: string;
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

export function currentSession(now = Date.now()): Session | undefined {
  const stored = sessionStorage.getItem(SESSION_KEY);
  if (!stored) return undefined;
  const session = JSON.parse(stored) as Session;
  if (session.expiresAt <= now) {
    sessionStorage.removeItem(SESSION_KEY);
    return undefined;
  }
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(SESSION_KEY);
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
  if (!response.ok || typeof body.access_token !== 'string') {
    const reason = typeof body.error_description === 'string' ? body.error_description : body.error;
    throw new SignInError(`The identity provider refused the sign-in: ${String(reason ?? response.status)}`);
  }
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
    name: (name as string | undefined) ?? 'signed in',
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return pending.returnTo;
}
