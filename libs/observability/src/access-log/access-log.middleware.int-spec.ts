import http from 'node:http';
import net from 'node:net';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { waitFor } from '../../../../test/support/poll';
import { createAccessLogMiddleware } from './access-log.middleware';
import { TrustedProxies } from './client-address';

/** A real HTTP server with the middleware in front of a handler, as bootstrapService mounts it. */
async function serve(handler: (req: http.IncomingMessage & { principal?: unknown }, res: http.ServerResponse) => void) {
  const lines: string[] = [];
  const records: AccessLogRecord[] = [];
  let ids = 0;
  const middleware = createAccessLogMiddleware({
    service: 'test',
    host: 'test-host',
    trustedProxies: new TrustedProxies(['127.0.0.1']),
    writeLine: (line) => lines.push(line),
    publish: (record) => records.push(record),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  });
  const server = http.createServer((req, res) => middleware(req, res, () => handler(req, res)));
  server.on('clientError', middleware.clientError);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { lines, records, port, close: () => new Promise((resolve) => server.close(resolve)) };
}

function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.from(request, 'latin1')));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('access-log middleware on a real HTTP server', () => {
  it('writes the line and publishes the record when the response is done, principal and proxy included', async () => {
    const app = await serve((req, res) => {
      req.principal = { kind: 'apiKey', name: 'ci-deployer', admin: false };
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
    try {
      const before = Date.now();
      await raw(
        app.port,
        'POST /api/v1/things?api_key=k3y&workspace=ws-1 HTTP/1.1\r\nHost: x\r\nUser-Agent: ev"il\\ ]ua\txé\r\n' +
          'Accept: text/html, */*;q=0.8\r\nX-Forwarded-For: 6.6.6.6, 198.51.100.9\r\nConnection: close\r\n\r\n',
      );
      await waitFor('the record', () => app.records.length === 1);
      const [record] = app.records;
      const duration = record.durationMs;
      const expected =
        '198.51.100.9 201 "POST /api/v1/things?api_key=***&workspace=ws-1" [ci-deployer] ' +
        `ev\\"il\\\\\\x20]ua\\tx\\xe9 text/html,\\x20*/*;q=0.8 ${duration}ms`;
      expect(app.lines).toEqual([expected]);
      expect(record).toEqual({
        id: '00000000-0000-4000-8000-000000000001',
        time: expect.any(String),
        service: 'test',
        host: 'test-host',
        remoteIp: '198.51.100.9',
        status: 201,
        method: 'POST',
        path: '/api/v1/things?api_key=***&workspace=ws-1',
        principal: 'ci-deployer',
        userAgent: 'ev"il\\ ]ua\txé',
        accept: 'text/html, */*;q=0.8',
        durationMs: duration,
        line: expected,
      });
      expect(Date.parse(record.time)).toBeGreaterThanOrEqual(before - 1);
    } finally {
      await app.close();
    }
  });

  it('records 499 when the client goes away before the response is complete', async () => {
    let reached = false;
    let release = () => undefined as unknown;
    const app = await serve((_req, res) => {
      reached = true;
      release = () => res.end('late');
    });
    try {
      const socket = net.connect(app.port, '127.0.0.1', () => socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'));
      await waitFor('the request to reach the handler', () => reached);
      socket.destroy();
      await waitFor('the record', () => app.records.length === 1);
      expect(app.records[0]).toMatchObject({
        status: 499,
        path: '/slow',
        principal: null,
        userAgent: null,
        accept: null,
      });
      expect(app.lines[0]).toMatch(/^127\.0\.0\.1 499 "GET \/slow" \[-\] - - \d+ms$/);
    } finally {
      release();
      await app.close();
    }
  });

  it('writes one line and one record per request on a keep-alive connection', async () => {
    const app = await serve((req, res) => res.end(req.url));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const path of ['/one', '/two', '/three']) {
        await new Promise<void>((resolve, reject) =>
          http
            .get({ port: app.port, host: '127.0.0.1', path, agent }, (res) => res.resume().on('end', resolve))
            .on('error', reject),
        );
      }
      await waitFor('three records', () => app.records.length === 3);
      expect(app.records.map((r) => [r.path, r.status])).toEqual([
        ['/one', 200],
        ['/two', 200],
        ['/three', 200],
      ]);
      expect(new Set(app.records.map((r) => r.id)).size).toBe(3);
    } finally {
      agent.destroy();
      await app.close();
    }
  });

  it('gives a request the HTTP parser refuses an access line of what could be read, answered as Node would', async () => {
    const app = await serve((_req, res) => res.end('ok'));
    try {
      const control = await raw(
        app.port,
        'GET /api/v1/events?token=abc&x=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: scanner "9"\r\nX-Evil: a\x01b\r\n\r\n',
      );
      expect(control).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      const garbage = await raw(app.port, 'GET /a b c\x7f\r\n\r\n');
      expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
      const huge = await raw(app.port, `GET /big HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(huge).toMatch(/^HTTP\/1\.1 431 /);

      await waitFor('three access lines', () => app.lines.length >= 3 || undefined);
      expect(app.lines[0]).toMatch(
        /^127\.0\.0\.1 400 "GET \/api\/v1\/events\?token=\*\*\*&x=1" \[-\] scanner\\x20\\"9\\" - 0ms$/,
      );
      expect(app.lines[1]).toMatch(/^127\.0\.0\.1 400 "GET \/a" \[-\] - - 0ms$/);
      expect(app.lines[2]).toMatch(/^127\.0\.0\.1 431 "GET \/big" \[-\] - - 0ms$/);
      expect(app.records.map((r) => [r.status, r.method, r.principal])).toEqual([
        [400, 'GET', null],
        [400, 'GET', null],
        [431, 'GET', null],
      ]);
    } finally {
      await app.close();
    }
  });
});
