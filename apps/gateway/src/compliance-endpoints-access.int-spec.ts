import type { INestApplication } from '@nestjs/common';
import { startGatewayUnderTest } from '../../../test/support/gateway-under-test';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { apiKeyStoreOf } from '../../../test/support/api-keys';

/** The endpoints the Compliance area and the Admin Area pages read, and whether only admins may. */
const ENDPOINTS: Array<{ path: string; adminOnly: boolean }> = [
  { path: '/me', adminOnly: false },
  { path: '/workspaces?q=ws', adminOnly: false },
  { path: '/events/stats', adminOnly: false },
  { path: '/workspaces/ws-1/events/stats', adminOnly: false },
  { path: '/access-logs/stats', adminOnly: true },
  { path: '/admin/telemetry/transmissions', adminOnly: true },
];

/**
 * Who may call the Compliance area's endpoints, over HTTP against the whole gateway: nobody
 * without a credential (401), admins only where they are admin-only (403 otherwise), and nothing
 * changes through them, not even for a read-only admin key (admin without manageKeys).
 */
describe('the Compliance endpoints: who may call them (real PostgreSQL)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  const keys: Record<'readOnlyAdmin' | 'workspace', string> = { readOnlyAdmin: '', workspace: '' };

  beforeAll(async () => {
    stack = await createTestStack('complianceaccess');
    const store = apiKeyStoreOf(stack);
    keys.readOnlyAdmin = (await store.create('read-only-admin', { admin: true, workspaces: [] }, 'test')).key;
    keys.workspace = (await store.create('ws-1-reader', { admin: false, workspaces: ['ws-1'] }, 'test')).key;
    ({ app, base } = await startGatewayUnderTest(stack.env));
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  const status = async (path: string, key?: string, method = 'GET') =>
    (await fetch(`${base}${path}`, { method, headers: key ? { 'x-api-key': key } : {} })).status;

  it('answers no credential with 401, a workspace key with 403 where only admins may read, and readers with 200', async () => {
    const answers = [];
    for (const { path } of ENDPOINTS) {
      answers.push({
        path,
        none: await status(path),
        workspace: await status(path, keys.workspace),
        readOnlyAdmin: await status(path, keys.readOnlyAdmin),
      });
    }
    expect(answers).toEqual(
      ENDPOINTS.map(({ path, adminOnly }) => ({
        path,
        none: 401,
        workspace: adminOnly ? 403 : 200,
        readOnlyAdmin: 200,
      })),
    );
  });

  it('changes nothing through them: any other method is refused, for a read-only admin key too', async () => {
    const changed: string[] = [];
    for (const { path } of ENDPOINTS) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const [who, key] of Object.entries(keys)) {
          const answer = await status(path, key, method);
          if (answer < 400 || answer >= 500) changed.push(`${method} ${path} as ${who}: ${answer}`);
        }
      }
    }
    expect(changed).toEqual([]);
  });
});
