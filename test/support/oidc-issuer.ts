import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

export interface TokenOptions {
  audience?: string | string[];
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Seconds from now for `nbf`. */
  notBefore?: number;
  /** Seconds from now for `iat` (default: now). */
  issuedAt?: number;
  /** Sign with this key id (default: the current key). */
  kid?: string;
}

/** A person who can sign in at the issuer's login form, and the claims their tokens carry. */
export interface TestUser {
  login: string;
  claims: Record<string, unknown>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  login: string;
  expiresAt: number;
}

/** What a client sent to the token endpoint, and what it got (for assertions). */
export interface TokenExchange {
  clientId: string;
  login?: string;
  outcome: 'issued' | string;
}

const CODE_LIFETIME_MS = 60_000;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A local OIDC issuer for tests: real RS256 key pairs, a discovery document and a JWKS endpoint on
 * 127.0.0.1, key rotation, and the forged tokens an attacker would try (alg none, HS256 keyed with
 * the public key). For browser tests it also signs people in: the authorization code flow with
 * PKCE (S256 only), a login form choosing one of the registered test users, single-use codes
 * bound to the client, redirect URI and code challenge, and a token endpoint that checks the
 * code_verifier (with CORS, as Keycloak answers a configured web origin).
 */
export class LocalOidcIssuer {
  private readonly keys: SigningKey[] = [];
  private server?: http.Server;
  private readonly users = new Map<string, TestUser>();
  private readonly codes = new Map<string, IssuedCode>();
  issuer = '';
  jwksRequests = 0;
  discoveryRequests = 0;
  readonly tokenExchanges: TokenExchange[] = [];

  private constructor(readonly audience: string) {}

  static async start(audience = 'meshtrail'): Promise<LocalOidcIssuer> {
    const issuer = new LocalOidcIssuer(audience);
    await issuer.addKey();
    issuer.server = http.createServer((req, res) => issuer.handle(req, res));
    await new Promise<void>((resolve) => issuer.server!.listen(0, '127.0.0.1', resolve));
    const { port } = issuer.server.address() as AddressInfo;
    issuer.issuer = `http://127.0.0.1:${port}/realms/test`;
    return issuer;
  }

  get jwksUrl(): string {
    return `${this.issuer}/protocol/openid-connect/certs`;
  }

  get authorizationEndpoint(): string {
    return `${this.issuer}/protocol/openid-connect/auth`;
  }

  get tokenEndpoint(): string {
    return `${this.issuer}/protocol/openid-connect/token`;
  }

  /** Someone who can sign in at the login form; their access tokens carry these claims. */
  addUser(login: string, claims: Record<string, unknown>): void {
    this.users.set(login, { login, claims: { preferred_username: login, ...claims } });
  }

  get currentKid(): string {
    return this.keys[this.keys.length - 1].kid;
  }

  /** The environment the gateway needs to trust this issuer. */
  env(): Record<string, string> {
    return { AUTH_OIDC_ISSUER: this.issuer, AUTH_OIDC_AUDIENCE: this.audience };
  }

  /** A new signing key joins the JWKS; with `retireOld`, the previous keys leave it. */
  async rotate({ retireOld = true } = {}): Promise<string> {
    const key = await this.addKey();
    if (retireOld) this.keys.splice(0, this.keys.length - 1);
    return key.kid;
  }

  async sign(claims: Record<string, unknown>, options: TokenOptions = {}): Promise<string> {
    const key = options.kid ? this.keys.find((k) => k.kid === options.kid) : this.keys[this.keys.length - 1];
    if (!key) throw new Error(`no key ${options.kid}`);
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt(now + (options.issuedAt ?? 0))
      .setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  /** An unsigned token (`alg: none`) with otherwise valid claims. */
  unsigned(claims: Record<string, unknown>): string {
    return this.handMade({ alg: 'none', typ: 'JWT' }, claims, () => '');
  }

  /** The classic key-confusion forgery: HS256 with the issuer's public key (PEM) as the HMAC secret. */
  async hs256WithPublicKey(claims: Record<string, unknown>): Promise<string> {
    const key = this.keys[this.keys.length - 1];
    const pem = await exportSPKI(key.publicKey);
    return this.handMade({ alg: 'HS256', kid: key.kid, typ: 'JWT' }, claims, (input) =>
      createHmac('sha256', pem).update(input).digest('base64url'),
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
  }

  private handMade(header: object, claims: Record<string, unknown>, signature: (input: string) => string): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: this.issuer, aud: this.audience, iat: now, exp: now + 300, ...claims };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode(header)}.${encode(payload)}`;
    return `${input}.${signature(input)}`;
  }

  private async addKey(): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const key = { kid, privateKey, publicKey, jwk };
    this.keys.push(key);
    return key;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.route(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error.message);
    });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    const path = url.pathname;
    const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(body));
    };
    if (path === '/realms/test/.well-known/openid-configuration') {
      this.discoveryRequests++;
      return json({
        issuer: this.issuer,
        jwks_uri: this.jwksUrl,
        authorization_endpoint: this.authorizationEndpoint,
        token_endpoint: this.tokenEndpoint,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (path === '/realms/test/protocol/openid-connect/certs') {
      this.jwksRequests++;
      return json({ keys: this.keys.map((k) => k.jwk) });
    }
    if (path === new URL(this.authorizationEndpoint).pathname) {
      return req.method === 'POST' ? this.signIn(await readForm(req), res) : this.loginForm(url.searchParams, res);
    }
    if (path === new URL(this.tokenEndpoint).pathname) {
      const cors = req.headers.origin ? { 'access-control-allow-origin': req.headers.origin, vary: 'Origin' } : {};
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type',
        });
        return void res.end();
      }
      if (req.method !== 'POST') return json({ error: 'invalid_request' }, 405, cors);
      const { status, body } = await this.exchange(await readForm(req));
      return json(body, status, cors);
    }
    res.writeHead(404).end();
  }

  /** The authorization request's parameters, checked as an OAuth server would before showing anything. */
  private authorizationProblem(params: URLSearchParams): string | undefined {
    if (params.get('response_type') !== 'code') return 'response_type must be code';
    if (!params.get('client_id')) return 'client_id is missing';
    if (!/^https?:\/\//.test(params.get('redirect_uri') ?? '')) return 'redirect_uri must be an http(s) URL';
    if (!params.get('state')) return 'state is missing';
    if (params.get('code_challenge_method') !== 'S256') return 'PKCE with code_challenge_method=S256 is required';
    if (!/^[A-Za-z0-9_-]{43}$/.test(params.get('code_challenge') ?? '')) return 'code_challenge is malformed';
    return undefined;
  }

  private loginForm(params: URLSearchParams, res: http.ServerResponse): void {
    const problem = this.authorizationProblem(params);
    if (problem) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return void res.end(problem);
    }
    const hidden = [...params]
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('');
    const options = [...this.users.keys()]
      .map((login) => `<option value="${escapeHtml(login)}">${escapeHtml(login)}</option>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to test</title></head><body>` +
        `<h1>Sign in to the test realm</h1><form method="post">${hidden}` +
        `<label for="login">User</label> <select id="login" name="login">${options}</select> ` +
        `<button type="submit">Sign in</button></form></body></html>`,
    );
  }

  private signIn(form: URLSearchParams, res: http.ServerResponse): void {
    const problem = this.authorizationProblem(form);
    const user = this.users.get(form.get('login') ?? '');
    if (problem || !user) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return void res.end(problem ?? 'unknown user');
    }
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, {
      clientId: form.get('client_id')!,
      redirectUri: form.get('redirect_uri')!,
      challenge: form.get('code_challenge')!,
      login: user.login,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    const back = new URL(form.get('redirect_uri')!);
    back.searchParams.set('code', code);
    back.searchParams.set('state', form.get('state')!);
    res.writeHead(302, { location: back.toString() }).end();
  }

  /** RFC 6749 4.1.3 with RFC 7636 4.6: a code is used once, by its client, with its redirect URI and verifier. */
  private async exchange(form: URLSearchParams): Promise<{ status: number; body: Record<string, unknown> }> {
    const clientId = form.get('client_id') ?? '';
    const refuse = (error: string, description: string) => {
      this.tokenExchanges.push({ clientId, outcome: description });
      return { status: 400, body: { error, error_description: description } };
    };
    if (form.get('grant_type') !== 'authorization_code')
      return refuse('unsupported_grant_type', 'grant_type must be authorization_code');
    const code = this.codes.get(form.get('code') ?? '');
    this.codes.delete(form.get('code') ?? '');
    if (!code || code.expiresAt < Date.now()) return refuse('invalid_grant', 'unknown, used or expired code');
    if (code.clientId !== clientId) return refuse('invalid_grant', 'the code belongs to another client');
    if (code.redirectUri !== form.get('redirect_uri')) return refuse('invalid_grant', 'redirect_uri differs');
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
      return refuse('invalid_grant', 'code_verifier does not match the code_challenge');
    }
    const user = this.users.get(code.login)!;
    this.tokenExchanges.push({ clientId, login: user.login, outcome: 'issued' });
    const accessToken = await this.sign({ azp: clientId, ...user.claims });
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: 300, scope: 'openid profile' },
    };
  }
}
