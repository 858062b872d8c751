import http from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/**
 * The operations center's front door in tests: accepts a write only with a valid, unexpired
 * bearer token from the issuer (audience ops-center), forwards it to the real receiver
 * (Prometheus), and answers a delivered write as a center would, with its view in JSON. A
 * token can be revoked, as a center that rotated keys or withdrew it would.
 */
export class AuthenticatingProxy {
  readonly accepted: Array<{ subject: string; token: string }> = [];
  readonly refused: string[] = [];
  private readonly revoked = new Set<string>();

  private constructor(private readonly server: http.Server) {}

  static async start(options: { issuer: string; jwksUrl: string; upstream: string }): Promise<AuthenticatingProxy> {
    const keys = createRemoteJWKSet(new URL(options.jwksUrl));
    const server = http.createServer();
    const proxy = new AuthenticatingProxy(server);
    server.on(
      'request',
      (req: http.IncomingMessage, res: http.ServerResponse) => void proxy.handle(req, res, keys, options),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/api/v1/write`;
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    keys: ReturnType<typeof createRemoteJWKSet>,
    options: { issuer: string; upstream: string },
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let subject: string | undefined;
    try {
      if (!token) throw new Error('no bearer token');
      if (this.revoked.has(token)) throw new Error('revoked');
      ({
        payload: { sub: subject },
      } = await jwtVerify(token, keys, { issuer: options.issuer, audience: 'ops-center' }));
    } catch (error) {
      this.refused.push((error as Error).message);
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end('invalid token');
      return;
    }
    const forwarded = await fetch(options.upstream, {
      method: 'POST',
      headers: Object.fromEntries(
        ['content-type', 'content-encoding', 'x-prometheus-remote-write-version']
          .filter((name) => req.headers[name] !== undefined)
          .map((name) => [name, String(req.headers[name])]),
      ),
      body: Buffer.concat(chunks),
    });
    if (!forwarded.ok) {
      res.writeHead(forwarded.status).end(await forwarded.text());
      return;
    }
    this.accepted.push({ subject: subject!, token: token! });
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        status: 'ok',
        description: `installation ${subject} is known to the operations center`,
        minimums: { relayVersion: '0.1.0', heartbeatSeconds: 60 },
      }),
    );
  }
}
