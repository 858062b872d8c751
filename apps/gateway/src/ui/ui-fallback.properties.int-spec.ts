import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import { startGatewayUnderTest } from '../../../../test/support/gateway-under-test';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { DEFAULT_UI_DIRECTORY, loadUiAssets } from './ui-assets';

/** Path segments that walk out of a directory or smuggle a separator: plain, percent-encoded, overlong, mixed. */
const segment = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2E%2e',
    '.%2e',
    '%2e.',
    '..%2f',
    '..%2F..%2Fetc',
    '%2f',
    '%5c',
    '..%5c..%5c',
    '..\\..',
    '%c0%ae%c0%ae',
    '%252e%252e',
    '%00',
    '%ff',
    'etc',
    'passwd',
    'index.html',
    'assets',
    'config.json',
    'package.json',
    '',
    '~',
    'admin',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

/** GET with the path sent as it is (fetch would resolve the dot segments first). */
function rawGet(
  base: URL,
  rawPath: string,
): Promise<{ status: number; type: string; body: Buffer; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
          location: res.headers.location,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The page's fallback (`/ui/<anything>` answers the page) under traversal attempts over HTTP: every
 * answer is the page itself, one of its built files, its configuration, a redirect within /ui/ or
 * a 4xx, never a file from elsewhere and never a 5xx.
 */
describe('the page under /ui/ answers only its own files (fast-check over HTTP)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let origin: URL;
  const seed = propertySeed('ui fallback');
  const own = [...loadUiAssets(DEFAULT_UI_DIRECTORY).values()].map((asset) => asset.body);
  const outside = [readFileSync('/etc/passwd'), readFileSync(path.resolve(__dirname, '../../../../package.json'))];

  beforeAll(async () => {
    stack = await createTestStack('uifallback');
    const started = await startGatewayUnderTest(stack.env);
    app = started.app;
    origin = new URL(started.base);
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('answers an address of the page with the page, and a traversal to a file with a 404', async () => {
    const page = loadUiAssets(DEFAULT_UI_DIRECTORY).get('index.html')!.body;
    for (const rawPath of ['/ui/admin/access-logs', '/ui/..%2f..%2fetc/passwd', '/ui/%2e%2e/%2e%2e/etc/passwd']) {
      const answer = await rawGet(origin, rawPath);
      expect({ rawPath, status: answer.status, page: answer.body.equals(page) }).toEqual({
        rawPath,
        status: 200,
        page: true,
      });
    }
    for (const rawPath of ['/ui/..%2f..%2f..%2f..%2fpackage.json', '/ui/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json']) {
      expect({ rawPath, status: (await rawGet(origin, rawPath)).status }).toEqual({ rawPath, status: 404 });
    }
  });

  it('answers the page, its files, its configuration, a redirect within /ui/ or a 4xx for any path', async () => {
    expect(own.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), async (segments) => {
        const rawPath = `/ui/${segments.join('/')}`;
        const answer = await rawGet(origin, rawPath);
        const context = { rawPath, status: answer.status, type: answer.type, location: answer.location };
        const ownFile = answer.status === 200 && own.some((body) => body.equals(answer.body));
        const config = answer.status === 200 && answer.type.startsWith('application/json');
        const redirect = answer.status >= 300 && answer.status < 400 && /^\/ui(\/|$)/.test(answer.location ?? '');
        const refused = answer.status >= 400 && answer.status < 500;
        expect({ ...context, fine: ownFile || config || redirect || refused }).toEqual({ ...context, fine: true });
        for (const body of outside)
          expect({ ...context, leaked: answer.body.includes(body) }).toEqual({ ...context, leaked: false });
      }),
      { seed, numRuns: 300 },
    );
  });
});
