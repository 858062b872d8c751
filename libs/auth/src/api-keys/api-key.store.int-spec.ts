import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { API_KEY_PREFIX } from './api-key-secret';
import { ApiKeyStore } from './api-key.store';

/** The secret part of a key: everything after its id (a base64url secret may itself hold '_'). */
const secretOf = (created: { id: string; key: string }) => created.key.slice(`${API_KEY_PREFIX}${created.id}_`.length);

describe('ApiKeyStore (real PostgreSQL)', () => {
  let stack: TestStack;
  let store: ApiKeyStore;

  beforeAll(async () => {
    stack = await createTestStack('apikeys');
    store = new ApiKeyStore({
      query: async <T>(sql: string, params?: unknown[]) => (await stack.query(sql, params)) as T[],
    });
  });
  afterAll(() => stack.teardown());

  it('creates a key shown once, stores only the hash of its secret, and authenticates it', async () => {
    const created = await store.create('siem', { admin: false, workspaces: ['ws-1', 'ws-2'] }, 'admin-user');
    expect(created).toMatchObject({
      name: 'siem',
      admin: false,
      workspaces: ['ws-1', 'ws-2'],
      createdBy: 'admin-user',
    });
    const secret = secretOf(created);
    const [row] = await stack.query<{ secret_hash: string; stored: string }>(
      `SELECT secret_hash, row_to_json(api_keys)::text AS stored FROM api_keys WHERE id = $1`,
      [created.id],
    );
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.stored).not.toContain(secret);
    expect(await store.authenticate(created.key)).toMatchObject({ id: created.id, workspaces: ['ws-1', 'ws-2'] });
    const listed = await store.list();
    expect(listed.find((k) => k.id === created.id)).not.toHaveProperty('key');
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('refuses a wrong secret for a known id, and unknown keys', async () => {
    const created = await store.create('other', { admin: true, workspaces: [] }, 'admin-user');
    const secret = secretOf(created);
    const wrong = `${API_KEY_PREFIX}${created.id}_${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    expect(await store.authenticate(wrong)).toBeUndefined();
    expect(await store.authenticate(`mtk_ffffffffffffffff_${secret}`)).toBeUndefined();
  });

  it('revokes immediately and idempotently, keeping who revoked it and when', async () => {
    const created = await store.create('temp', { admin: false, workspaces: ['ws-1'] }, 'admin-user');
    const revoked = await store.revoke(created.id, 'admin-2');
    expect(revoked).toMatchObject({ id: created.id, revokedBy: 'admin-2', revokedAt: expect.any(String) });
    expect(await store.authenticate(created.key)).toBeUndefined();
    expect((await store.revoke(created.id, 'admin-3'))?.revokedBy).toBe('admin-2');
    expect(await store.revoke('0000000000000000', 'admin-2')).toBeUndefined();
  });

  it('refuses a key once it has expired, keeps its expiry, scope and creator', async () => {
    const created = await store.create(
      'short',
      { admin: true, workspaces: [], manageKeys: true },
      { id: 'u-admin', name: 'olivia' },
      new Date(Date.now() + 86_400_000),
    );
    expect(created).toMatchObject({ manageKeys: true, createdById: 'u-admin', createdBy: 'olivia' });
    expect(await store.authenticate(created.key)).toMatchObject({ id: created.id, manageKeys: true });
    // a day later (moved back instead of waiting)
    await stack.query(
      `UPDATE api_keys SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`,
      [created.id],
    );
    expect(await store.authenticate(created.key)).toBeUndefined();
    expect((await store.list()).find((k) => k.id === created.id)).toMatchObject({ expiresAt: expect.any(String) });
  });

  it('records use at most once a minute', async () => {
    const created = await store.create('busy', { admin: false, workspaces: ['ws-1'] }, 'admin-user');
    await store.touch(created.id);
    const first = (await store.list()).find((k) => k.id === created.id)!.lastUsedAt;
    expect(first).not.toBeNull();
    await store.touch(created.id);
    expect((await store.list()).find((k) => k.id === created.id)!.lastUsedAt).toBe(first);
  });

  it('refuses a key scoped to nothing', async () => {
    await expect(store.create('nothing', { admin: false, workspaces: [] }, 'admin-user')).rejects.toThrow(
      /api_keys_scoped/,
    );
  });
});
