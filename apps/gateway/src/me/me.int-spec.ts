import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { startGatewayUnderTest } from '../../../../test/support/gateway-under-test';
import { hostileHeaders, queryValue } from '../../../../test/support/http-properties';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

/** GET /api/v1/me through the whole gateway over HTTP, real PostgreSQL (API keys) and Kafka. */
describe('GET /api/v1/me', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let adminKey: string;
  let workspaceKey: string;
  const seed = propertySeed('me');

  beforeAll(async () => {
    stack = await createTestStack('me');
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('me-admin', { admin: true, workspaces: [], manageKeys: true }, 'test')).key;
    workspaceKey = (await keys.create('me-ws', { admin: false, workspaces: ['ws-1', 'ws-9'] }, 'test')).key;
    // every wrong credential is a failed authentication from this one address: none may block it here
    ({ app, base } = await startGatewayUnderTest({ ...stack.env, AUTH_FAILURES_PER_ADDRESS_PER_MINUTE: '1000000' }));
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  const me = (headers: Record<string, string>) => fetch(`${base}/me`, { headers });

  it('tells an admin key that it reads everything and manages keys', async () => {
    const response = await me({ 'x-api-key': adminKey });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      kind: 'apiKey',
      name: 'me-admin',
      admin: true,
      manageKeys: true,
      workspaces: [],
    });
  });

  it('tells a workspace key its workspaces and when it expires', async () => {
    const response = await me({ 'x-api-key': workspaceKey });
    const body = (await response.json()) as {
      admin: boolean;
      manageKeys: boolean;
      workspaces: string[];
      expiresAt: string;
    };
    expect(body).toMatchObject({ admin: false, manageKeys: false, workspaces: ['ws-1', 'ws-9'] });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('answers 401 to anything but valid credentials, never 200 and never a 5xx', async () => {
    expect((await me({})).status).toBe(401);
    const credential = fc.oneof(
      queryValue.map((value) => ({ 'x-api-key': value.replace(/[^\x20-\x7e]/g, '') })),
      queryValue.map((value) => ({ authorization: `Bearer ${value.replace(/[^\x20-\x7e]/g, '')}` })),
      fc.constant({ 'x-api-key': `${adminKey}x` }),
    );
    await fc.assert(
      fc.asyncProperty(credential, hostileHeaders, async (sent, headers) => {
        const response = await me({ ...headers, ...sent });
        // a malformed header value is refused by fetch itself before it is sent; everything sent is a 401
        expect({ sent, status: response.status }).toEqual({ sent, status: 401 });
      }),
      { seed, numRuns: 60 },
    );
  });
});
