import { postBytes } from '../delivery/http-post';

/** Where the relay's bearer token comes from: none, a static one, or client credentials. */
export interface BearerSource {
  /** The token to send now (fetched or renewed first when needed); rejects when none can be had. */
  bearer(): Promise<string | undefined>;
  /** The center refused this token (401): true when asking again may help (a new token is fetched). */
  refused(token: string): boolean;
}

export const NO_BEARER: BearerSource = { bearer: async () => undefined, refused: () => false };

export function staticBearer(token: string): BearerSource {
  return { bearer: async () => token, refused: () => false };
}

export interface ClientCredentialsSettings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  timeoutMs: number;
  ca?: Buffer;
}

export interface RegistrationState {
  /** True from the first successful token exchange on. */
  registered: boolean;
  lastExchangeAt?: string;
  tokenExpiresAt?: string;
  lastError?: string;
  exchanges: number;
}

interface CachedToken {
  value: string;
  expiresAt: number;
  renewAt: number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4, client_secret_basic): a token fetched on first
 * use, cached, and renewed before it expires (a fifth of its lifetime ahead, at most a minute),
 * so a batch never leaves with a token about to lapse. Concurrent callers share one exchange.
 * A token the center refuses is dropped and the next call fetches a new one.
 */
export class ClientCredentialsTokens implements BearerSource {
  private cached?: CachedToken;
  private inFlight?: Promise<CachedToken>;
  readonly state: RegistrationState = { registered: false, exchanges: 0 };

  constructor(
    private readonly settings: ClientCredentialsSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async bearer(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.value;
    this.inFlight ??= this.exchange().finally(() => (this.inFlight = undefined));
    return (await this.inFlight).value;
  }

  refused(token: string): boolean {
    if (this.cached?.value === token) this.cached = undefined;
    return true;
  }

  private async exchange(): Promise<CachedToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.settings.scope) form.set('scope', this.settings.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(this.settings.clientId)}:${encodeURIComponent(this.settings.clientSecret)}`,
    ).toString('base64');
    const requestedAt = this.now();
    try {
      const response = await postBytes(this.settings.tokenUrl, Buffer.from(form.toString()), {
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          Authorization: `Basic ${basic}`,
        },
        timeoutMs: this.settings.timeoutMs,
        ca: this.settings.ca,
      });
      const token = parseTokenResponse(response.status, response.body);
      const lifetimeMs = token.expiresInSeconds * 1000;
      this.cached = {
        value: token.accessToken,
        expiresAt: requestedAt + lifetimeMs,
        renewAt: requestedAt + lifetimeMs - Math.min(60_000, lifetimeMs / 5),
      };
      this.state.registered = true;
      this.state.exchanges++;
      this.state.lastExchangeAt = new Date(requestedAt).toISOString();
      this.state.tokenExpiresAt = new Date(this.cached.expiresAt).toISOString();
      delete this.state.lastError;
      return this.cached;
    } catch (error) {
      this.state.lastError = (error as Error).message;
      throw error;
    }
  }
}

/** The token endpoint's answer: the token and its lifetime, or an error naming what the endpoint said. */
export function parseTokenResponse(status: number, body: Buffer): { accessToken: string; expiresInSeconds: number } {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    // null, an array or a scalar is no token response either (found by the property test)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // reported below
  }
  if (status !== 200) {
    const reason = typeof parsed.error === 'string' ? parsed.error : `HTTP ${status}`;
    throw new Error(`token endpoint refused the client: ${reason}`);
  }
  if (typeof parsed.access_token !== 'string' || parsed.access_token.length === 0)
    throw new Error('token endpoint answered without an access_token');
  // visible ASCII only: anything else cannot travel in an Authorization header
  if (!/^[\x21-\x7e]+$/.test(parsed.access_token))
    throw new Error('token endpoint issued a token that cannot be sent in a header');
  if (typeof parsed.token_type === 'string' && parsed.token_type.toLowerCase() !== 'bearer')
    throw new Error(`token endpoint issued a ${parsed.token_type} token, not a bearer token`);
  const expiresIn = Number(parsed.expires_in);
  // without expires_in (it is optional), renew every five minutes
  return {
    accessToken: parsed.access_token,
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300,
  };
}
