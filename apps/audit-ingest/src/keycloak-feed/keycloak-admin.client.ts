import type { PageRequest, PagedEvent } from './feed-paging';

/** A Keycloak event as its admin API returns it (EventRepresentation or AdminEventRepresentation). */
export type KeycloakEventJson = PagedEvent & Record<string, unknown>;

export type FeedKind = 'login' | 'admin';

export interface KeycloakAdminClientOptions {
  baseUrl: string;
  /** The realm the client lives in (its token endpoint). */
  clientRealm: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A Keycloak answer the feed cannot use; the message names the request and the status, never a secret. */
export class KeycloakApiError extends Error {}

const TOKEN_SLACK_MS = 10_000;

/**
 * Keycloak's admin REST API as the feed uses it: a service-account token (client credentials,
 * kept until shortly before it expires) and the stored user and admin events of a realm.
 */
export class KeycloakAdminClient {
  private token?: { value: string; expiresAt: number };
  private readonly fetch: typeof fetch;

  constructor(private readonly options: KeycloakAdminClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Events of `realm` in the requested time range, oldest first. */
  async events(realm: string, kind: FeedKind, request: PageRequest): Promise<KeycloakEventJson[]> {
    const params = new URLSearchParams({
      dateFrom: String(request.from),
      first: '0',
      max: String(request.max),
      direction: 'asc',
    });
    if (request.to !== undefined) params.set('dateTo', String(request.to));
    const resource = kind === 'login' ? 'events' : 'admin-events';
    const url = `${this.base()}/admin/realms/${encodeURIComponent(realm)}/${resource}?${params}`;
    let response = await this.get(url, await this.accessToken());
    if (response.status === 401) {
      // the token was revoked or the realm's keys rotated: one fresh token, then it is a failure
      this.token = undefined;
      response = await this.get(url, await this.accessToken());
    }
    if (!response.ok) {
      throw new KeycloakApiError(`GET ${resource} of realm ${realm}: Keycloak answered ${response.status}`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!Array.isArray(body)) throw new KeycloakApiError(`GET ${resource} of realm ${realm}: not a JSON array`);
    for (const event of body) {
      const e = event as Partial<PagedEvent> | null;
      if (typeof e?.id !== 'string' || typeof e.time !== 'number') {
        throw new KeycloakApiError(
          `GET ${resource} of realm ${realm}: an event without an id or time (the feed needs Keycloak 26 or later)`,
        );
      }
    }
    return body as KeycloakEventJson[];
  }

  private base(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  private get(url: string, token: string): Promise<Response> {
    return this.fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
  }

  private async accessToken(now = Date.now()): Promise<string> {
    if (this.token && this.token.expiresAt > now) return this.token.value;
    const { clientRealm, clientId, clientSecret, timeoutMs } = this.options;
    const response = await this.fetch(
      `${this.base()}/realms/${encodeURIComponent(clientRealm)}/protocol/openid-connect/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      },
    );
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new KeycloakApiError(
        `the token of client ${clientId} in realm ${clientRealm}: Keycloak answered ${response.status}`,
      );
    }
    const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 60_000;
    this.token = { value: body.access_token, expiresAt: now + Math.max(0, lifetimeMs - TOKEN_SLACK_MS) };
    return this.token.value;
  }
}
