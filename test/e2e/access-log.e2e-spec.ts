import net from 'node:net';
import { parseAccessLine } from '@meshtrail/observability';
import { LocalOidcIssuer } from '../support/oidc-issuer';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

/** Sends bytes exactly as given (no client library tidies them up) and returns the status code. */
function rawRequest(port: number, request: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])));
    socket.on('error', reject);
  });
}

const CRLF = '\r\n';

describe('access logs: the lines the gateway writes and the records the access-log service stores', () => {
  let stack: TestStack;
  let gateway: ServiceProcess;
  let accessLog: ServiceProcess;
  let idp: LocalOidcIssuer;

  beforeAll(async () => {
    stack = await createTestStack('accesslines');
    idp = await LocalOidcIssuer.start('meshtrail');
    gateway = await ServiceProcess.start('gateway', {
      ...stack.env,
      ACCESS_LOG_STDOUT: 'true',
      ...idp.env(),
      ACCESS_LOG_TRUSTED_PROXIES: '127.0.0.1/32',
    });
    accessLog = await ServiceProcess.start('access-log', stack.env);
  });
  afterAll(async () => {
    await gateway?.stop();
    await accessLog?.stop();
    await idp?.stop();
    await stack.teardown();
  });

  it('writes exactly one line per request, byte for byte, hostile input escaped, and stores the same line', async () => {
    const port = gateway.port!;
    const requests: Array<{ bytes: Buffer; status: number; expected: string }> = [
      {
        bytes: Buffer.from(
          `GET /version?workspace=ws-1&token=s3cr3t HTTP/1.1${CRLF}Host: x${CRLF}User-Agent: curl/8.5.0${CRLF}` +
            `Accept: application/json${CRLF}Connection: close${CRLF}${CRLF}`,
        ),
        status: 200,
        expected: '127.0.0.1 200 "GET /version?workspace=ws-1&token=***" [-] curl/8.5.0 application/json',
      },
      {
        // a client trying to close the quotes, fake a principal and smuggle a tab and Latin-1 bytes;
        // its own X-Forwarded-For entry is ignored, the trusted proxy's (the last) is believed
        bytes: Buffer.from(
          `GET /e2e/a"b\\c]d{e}?password=hunter2&x=1 HTTP/1.1${CRLF}Host: x${CRLF}` +
            `User-Agent: ev"il\\ ]ua\tx\xe9 [root]${CRLF}Accept: text/html, */*;q=0.8${CRLF}` +
            `X-Forwarded-For: 6.6.6.6, 198.51.100.9${CRLF}Connection: close${CRLF}${CRLF}`,
          'latin1',
        ),
        status: 404,
        expected:
          '198.51.100.9 404 "GET /e2e/a\\"b\\\\c]d{e}?password=***&x=1" [-] ' +
          'ev\\"il\\\\\\x20]ua\\tx\\xe9\\x20[root] text/html,\\x20*/*;q=0.8',
      },
      {
        // refused by the body parser, before any route: still logged
        bytes: Buffer.from(
          `POST /e2e/json HTTP/1.1${CRLF}Host: x${CRLF}Content-Type: application/json${CRLF}Content-Length: 4${CRLF}` +
            `Connection: close${CRLF}${CRLF}{bad`,
        ),
        status: 400,
        expected: '127.0.0.1 400 "POST /e2e/json" [-] - -',
      },
      {
        bytes: Buffer.from(
          `GET /e2e/dash HTTP/1.1${CRLF}Host: x${CRLF}User-Agent: -${CRLF}Accept: -${CRLF}Connection: close${CRLF}${CRLF}`,
        ),
        status: 404,
        expected: '127.0.0.1 404 "GET /e2e/dash" [-] \\x2d \\x2d',
      },
    ];
    for (const request of requests) expect(await rawRequest(port, request.bytes)).toBe(request.status);

    const isMine = (line: string) => / "(GET|POST) \/(e2e|version\?)/.test(line);
    const written = await waitFor('four access lines on stdout', () => {
      const lines = gateway.rawStdout.filter(isMine);
      return lines.length >= requests.length ? lines : undefined;
    });
    expect(written).toHaveLength(requests.length);
    // byte for byte, the duration aside (it is whatever the request took)
    expect(written.map((line) => line.replace(/ \d+ms$/, ''))).toEqual(requests.map((r) => r.expected));
    for (const line of written) expect(line).toMatch(/ \d+ms$/);
    const stdout = gateway.rawStdout.join('\n');
    expect(stdout).not.toContain('s3cr3t');
    expect(stdout).not.toContain('hunter2');
    expect(gateway.rawStdout.filter((line) => !line.startsWith('{') && !parseAccessLine(line))).toEqual([]);
    expect(parseAccessLine(written[1])).toMatchObject({
      remoteIp: '198.51.100.9',
      path: '/e2e/a"b\\c]d{e}?password=***&x=1',
      userAgent: 'ev"il\\ ]ua\tx\xe9 [root]',
      accept: 'text/html, */*;q=0.8',
      principal: null,
    });

    const stored = await waitFor('the four records in the access-log store', async () => {
      const rows = await stack.query<{ line: string; status: number; remote_ip: string; principal: string | null }>(
        `SELECT line, status, remote_ip, principal FROM access_logs
          WHERE service = 'gateway' AND (path LIKE '/e2e/%' OR path LIKE '/version?%')`,
      );
      return rows.length === requests.length ? rows : undefined;
    });
    expect(stored.map((row) => row.line).sort()).toEqual([...written].sort());
    expect(stored.find((row) => row.status === 404 && row.remote_ip === '198.51.100.9')).toBeDefined();
    expect(accessLog.logs.filter((line) => line.message === 'Access Logs Stored').length).toBeGreaterThan(0);
  });

  it('names the authenticated principal, and lets only admins search and export the store', async () => {
    const admin = await idp.sign({
      sub: 'u-admin',
      preferred_username: 'olivia',
      realm_access: { roles: ['meshtrail-admin'] },
    });
    const user = await idp.sign({ sub: 'u-x', preferred_username: 'xavier ] [root' });
    const call = (path: string, token?: string) =>
      fetch(`${gateway.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    expect((await call('/api/v1/access-logs?pathPrefix=/e2e/')).status).toBe(401);
    expect((await call('/api/v1/access-logs?pathPrefix=/e2e/', user)).status).toBe(403);
    const search = await waitFor('the admin to find the stored requests', async () => {
      const res = await call('/api/v1/access-logs?pathPrefix=/e2e/&status=4xx', admin);
      const body = (await res.json()) as { items: Array<{ path: string; principal: string | null }> };
      return res.status === 200 && body.items.length >= 3 ? body : undefined;
    });
    expect(search.items.map((item) => item.path).sort()).toEqual([
      '/e2e/a"b\\c]d{e}?password=***&x=1',
      '/e2e/dash',
      '/e2e/json',
    ]);

    const lines = await waitFor('the principals in the access lines', () => {
      const mine = gateway.rawStdout.filter((line) => line.includes('"GET /api/v1/access-logs?pathPrefix=/e2e/'));
      return mine.length >= 3 ? mine : undefined;
    });
    expect(lines.map((line) => parseAccessLine(line)?.principal ?? null)).toEqual(
      expect.arrayContaining([null, 'olivia', 'xavier ] [root']),
    );
    // a principal cannot close the brackets and forge another one
    expect(lines.find((line) => line.includes(' 403 '))).toMatch(/ \[xavier \\\] \[root\] /);

    const exported = await call('/api/v1/access-logs/export?format=csv&pathPrefix=/e2e/', admin);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await exported.text()).trim().split('\r\n').length).toBeGreaterThanOrEqual(4);
    const bad = await call('/api/v1/access-logs?status=9xx', admin);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'QUERY.INVALID_PARAMETER', parameter: 'status' });
  });
});
