import http from 'node:http';
import fc from 'fast-check';
import { hostileString, propertySeed } from '../../../../test/support/storable-arbitraries';
import { ClientCredentialsTokens, parseTokenResponse } from './bearer-source';

describe('parseTokenResponse', () => {
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('takes the token and its lifetime (five minutes when the endpoint gives none)', () => {
    expect(parseTokenResponse(200, body({ access_token: 't', token_type: 'Bearer', expires_in: 60 }))).toEqual({
      accessToken: 't',
      expiresInSeconds: 60,
    });
    expect(parseTokenResponse(200, body({ access_token: 't', token_type: 'bearer' })).expiresInSeconds).toBe(300);
  });

  it("names what went wrong: the endpoint's error code, a missing token, another token type", () => {
    expect(() => parseTokenResponse(401, body({ error: 'invalid_client' }))).toThrow(
      'token endpoint refused the client: invalid_client',
    );
    expect(() => parseTokenResponse(502, Buffer.from('<html>'))).toThrow('HTTP 502');
    expect(() => parseTokenResponse(200, body({ token_type: 'Bearer' }))).toThrow('without an access_token');
    expect(() => parseTokenResponse(200, body({ access_token: 't', token_type: 'mac' }))).toThrow('mac token');
  });
});

/** A real token endpoint over HTTP: counts exchanges, checks the client's basic credentials. */
describe('ClientCredentialsTokens', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ authorization?: string; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ authorization: req.headers.authorization, body });
        const ok = req.headers.authorization === `Basic ${Buffer.from('acme-prod:s3cret').toString('base64')}`;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            ok
              ? { access_token: `token-${seen.length}`, token_type: 'Bearer', expires_in: 100 }
              : { error: 'invalid_client' },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/token`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (seen.length = 0));

  it('fetches once, serves from cache, renews a fifth of the lifetime before expiry, and after a refusal', async () => {
    let now = 1_000_000;
    const tokens = new ClientCredentialsTokens(
      { tokenUrl: url, clientId: 'acme-prod', clientSecret: 's3cret', scope: 'telemetry', timeoutMs: 5000 },
      () => now,
    );
    expect(tokens.state.registered).toBe(false);
    const [first, again] = await Promise.all([tokens.bearer(), tokens.bearer()]);
    expect([first, again]).toEqual(['token-1', 'token-1']);
    expect(seen).toHaveLength(1);
    expect(new URLSearchParams(seen[0].body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(seen[0].body).get('scope')).toBe('telemetry');
    expect(tokens.state).toMatchObject({ registered: true, exchanges: 1 });

    now += 79_000; // 100 s lifetime: still cached until 80 s
    expect(await tokens.bearer()).toBe('token-1');
    now += 1_000;
    expect(await tokens.bearer()).toBe('token-2');

    expect(tokens.refused('token-2')).toBe(true);
    expect(await tokens.bearer()).toBe('token-3');
  });

  it('stays unregistered with the reason when the endpoint refuses the client', async () => {
    const tokens = new ClientCredentialsTokens({
      tokenUrl: url,
      clientId: 'acme-prod',
      clientSecret: 'wrong',
      timeoutMs: 5000,
    });
    await expect(tokens.bearer()).rejects.toThrow('invalid_client');
    expect(tokens.state).toMatchObject({
      registered: false,
      lastError: 'token endpoint refused the client: invalid_client',
    });
  });
});

/**
 * Whatever a token endpoint answers (any status, any body, valid or not), the relay either holds
 * exactly the token it was given or rejects with an error that says what the endpoint did, and
 * counts itself registered only after a valid answer.
 */
describe('ClientCredentialsTokens against any token endpoint answer (property, real HTTP)', () => {
  let server: http.Server;
  let url: string;
  let next: { status: number; body: Buffer } = { status: 200, body: Buffer.alloc(0) };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/token`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('takes only a valid bearer token, and otherwise says why', async () => {
    const seed = propertySeed('ClientCredentialsTokens');
    const token = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), hostileString);
    const validBody = fc.record({
      access_token: token,
      token_type: fc.constantFrom('Bearer', 'bearer', undefined),
      expires_in: fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.constant(undefined), hostileString),
    });
    const body = fc.oneof(
      { weight: 3, arbitrary: validBody.map((value) => Buffer.from(JSON.stringify(value))) },
      {
        weight: 2,
        arbitrary: fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value))),
      },
      { weight: 1, arbitrary: hostileString.map((text) => Buffer.from(text)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 200, 200, 400, 401, 500, 503), body, async (status, answer) => {
        next = { status, body: answer };
        const tokens = new ClientCredentialsTokens({
          tokenUrl: url,
          clientId: 'c',
          clientSecret: 's',
          timeoutMs: 5000,
        });
        let expected: { accessToken: string } | undefined;
        try {
          expected = parseTokenResponse(status, answer);
        } catch {
          expected = undefined;
        }
        const outcome = await tokens.bearer().then(
          (value) => ({ value }),
          (error: Error) => ({ error }),
        );
        if (expected) {
          expect(outcome).toEqual({ value: expected.accessToken });
          expect(tokens.state.registered).toBe(true);
        } else {
          expect((outcome as { error: Error }).error.message).toMatch(/^token endpoint /);
          expect(tokens.state).toMatchObject({
            registered: false,
            lastError: (outcome as { error: Error }).error.message,
          });
        }
      }),
      { seed, numRuns: 150 },
    );
  });
});
