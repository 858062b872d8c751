import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

/**
 * A small real OAuth 2.0 authorization server for the client credentials grant (RFC 6749 §4.4):
 * POST /token with client_secret_basic issues RS256 JWT access tokens of a set lifetime, GET
 * /jwks publishes the key. `accepting` false answers invalid_client (the client is not
 * registered yet). Counts what it issued.
 */
export class ClientCredentialsIssuer {
  readonly issued: string[] = [];
  accepting = true;

  private constructor(
    private readonly server: http.Server,
    private readonly privateKey: KeyLike,
    private readonly jwk: JWK,
    private readonly clients: Record<string, string>,
    private readonly lifetimeSeconds: number,
  ) {}

  static async start(options: {
    clients: Record<string, string>;
    lifetimeSeconds: number;
  }): Promise<ClientCredentialsIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'cc-1', alg: 'RS256', use: 'sig' };
    const server = http.createServer();
    const issuer = new ClientCredentialsIssuer(server, privateKey, jwk, options.clients, options.lifetimeSeconds);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => void issuer.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return issuer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  get jwksUrl(): string {
    return `${this.url}/jwks`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/jwks') return json(200, { keys: [this.jwk] });
    if (req.method !== 'POST' || req.url !== '/token') return json(404, { error: 'not_found' });
    let body = '';
    for await (const chunk of req) body += (chunk as Buffer).toString();
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    const [id, secret] = Buffer.from(scheme === 'Basic' ? (encoded ?? '') : '', 'base64')
      .toString()
      .split(':')
      .map(decodeURIComponent);
    if (!this.accepting || !id || this.clients[id] === undefined || this.clients[id] !== secret)
      return json(401, { error: 'invalid_client' });
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ client_id: id, azp: id, scope: form.get('scope') ?? '' })
      .setProtectedHeader({ alg: 'RS256', kid: 'cc-1' })
      .setIssuer(this.url)
      .setSubject(id)
      .setAudience('ops-center')
      .setIssuedAt(now)
      .setExpirationTime(now + this.lifetimeSeconds)
      .sign(this.privateKey);
    this.issued.push(token);
    return json(200, { access_token: token, token_type: 'Bearer', expires_in: this.lifetimeSeconds });
  }
}
