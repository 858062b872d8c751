import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
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

/**
 * A local OIDC issuer for tests: real RS256 key pairs, a discovery document and a JWKS endpoint on
 * 127.0.0.1, key rotation, and the forged tokens an attacker would try (alg none, HS256 keyed with
 * the public key). Browser sign-in is tested against a real Keycloak (test/support/keycloak.ts).
 */
export class LocalOidcIssuer {
  private readonly keys: SigningKey[] = [];
  private server?: http.Server;
  issuer = '';
  jwksRequests = 0;
  discoveryRequests = 0;

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
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (path === '/realms/test/.well-known/openid-configuration') {
      this.discoveryRequests++;
      return json({
        issuer: this.issuer,
        jwks_uri: this.jwksUrl,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (path === '/realms/test/protocol/openid-connect/certs') {
      this.jwksRequests++;
      return json({ keys: this.keys.map((k) => k.jwk) });
    }
    res.writeHead(404).end();
  }
}
