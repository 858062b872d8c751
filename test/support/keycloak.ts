import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { waitFor } from './poll';
import { testRunId } from './run-id';

/** The realm of deploy/keycloak/meshtrail-realm.json, as the tests use it. */
export const REALM = 'meshtrail';
export const FEED_CLIENT = { id: 'meshtrail-event-feed', secret: 'meshtrail-event-feed-local-secret' };
export const PASSWORDS: Record<string, string> = {
  olivia: 'olivia-local-password',
  max: 'max-local-password',
  mia: 'mia-local-password',
  ada: 'ada-local-password',
};

/** The master realm's local admin that scripts/keycloak-local.mjs creates (development mode only). */
const LOCAL_ADMIN = { username: 'admin', password: process.env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin' };

/** Runs scripts/keycloak-local.mjs (an ES module the start and test commands share) as a process. */
async function keycloakScript(...args: string[]): Promise<string> {
  const script = path.resolve(__dirname, '../../scripts/keycloak-local.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [script, ...args], {
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** Keycloak's answer to a password sign-in at the meshtrail-cli client. */
export interface TokenAnswer {
  status: number;
  body: { access_token?: string; refresh_token?: string; expires_in?: number; error?: string };
}

/**
 * A real Keycloak (scripts/keycloak-local.mjs) with the meshtrail realm: started once per test run
 * by the first suite that needs it and stopped by the global teardown (stopKeycloakOfThisRun);
 * one already running on KEYCLOAK_PORT is used and left alone.
 */
export class LocalKeycloak {
  private constructor(
    readonly url: string,
    private readonly admin: { username: string; password: string },
  ) {}

  static async start(): Promise<LocalKeycloak> {
    const answer = await keycloakScript('start', `--owner=${testRunId()}`);
    const { url } = JSON.parse(answer.trim().split('\n').pop()!) as { url: string };
    return new LocalKeycloak(url, LOCAL_ADMIN);
  }

  get issuer(): string {
    return `${this.url}/realms/${REALM}`;
  }

  /** The audit-ingest variables that turn its Keycloak event feed on. */
  feedEnv(): Record<string, string> {
    return {
      KEYCLOAK_FEED_URL: this.url,
      KEYCLOAK_FEED_REALMS: REALM,
      KEYCLOAK_FEED_CLIENT_ID: FEED_CLIENT.id,
      KEYCLOAK_FEED_CLIENT_SECRET: FEED_CLIENT.secret,
      KEYCLOAK_FEED_INTERVAL_MS: '500',
    };
  }

  /** A sign-in with username and password (direct grant at meshtrail-cli): a wrong password is a LOGIN_ERROR. */
  async passwordGrant(username: string, password: string): Promise<TokenAnswer> {
    const response = await fetch(`${this.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'meshtrail-cli', username, password }),
    });
    return { status: response.status, body: (await response.json()) as TokenAnswer['body'] };
  }

  async accessToken(username: string): Promise<string> {
    const answer = await this.passwordGrant(username, PASSWORDS[username]);
    if (!answer.body.access_token)
      throw new Error(`Keycloak refused ${username}: ${answer.status} ${answer.body.error}`);
    return answer.body.access_token;
  }

  /** Calls the admin REST API as the master realm's local admin. */
  async adminApi<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await fetch(`${this.url}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', ...this.admin }),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const response = await fetch(`${this.url}/admin/realms/${REALM}${path}`, {
      method,
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async userId(username: string): Promise<string> {
    const [user] = await this.adminApi<Array<{ id: string }>>('GET', `/users?exact=true&username=${username}`);
    return user.id;
  }

  /** Every id of the realm's stored events of one kind, as Keycloak itself lists them. */
  async storedEventIds(kind: 'login' | 'admin'): Promise<string[]> {
    const resource = kind === 'login' ? 'events' : 'admin-events';
    const events = await this.adminApi<Array<{ id: string }>>('GET', `/${resource}?first=0&max=100000`);
    return events.map((event) => event.id);
  }
}

/** For the global teardown: stops Keycloak if this test run started it (MESHTRAIL_KEEP_KEYCLOAK=1 keeps it). */
export async function stopKeycloakOfThisRun(runId: string): Promise<void> {
  if (process.env.MESHTRAIL_KEEP_KEYCLOAK === '1') return;
  await keycloakScript('stop', `--owner=${runId}`);
}

/** Fills Keycloak's own login form (the page is on it) and submits it. */
export async function submitKeycloakLogin(page: Page, login: string, password: string): Promise<void> {
  await page.locator('#username').fill(login);
  await page.locator('#password').fill(password);
  await page.locator('#kc-login').click();
}

/** From the Event Logs page's Sign in button, through Keycloak's login form, back to the page signed in. */
export async function signInAtKeycloak(
  page: Page,
  gatewayUrl: string,
  login: string,
  before?: (page: Page) => Promise<void>,
): Promise<void> {
  await page.goto(`${gatewayUrl}/ui/`);
  const signInButton = page.getByRole('button', { name: 'Sign in' });
  await signInButton.waitFor();
  await signInButton.click();
  await page.waitForURL(/\/protocol\/openid-connect\/auth\?/);
  // e.g. a wrong password first, as a person might
  await before?.(page);
  await submitKeycloakLogin(page, login, PASSWORDS[login]);
  await page.waitForURL((url) => url.href.startsWith(`${gatewayUrl}/ui/`) && !url.searchParams.has('code'));
  await waitFor(`${login} to be signed in`, async () => (await page.locator('#session-name').textContent()) === login);
}
