import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { waitFor } from '../support/poll';
import { cleanString, hostileString, propertySeed } from '../support/storable-arbitraries';
import { startTrailServices, type TrailServices } from '../support/trail-services';

interface KeyView {
  id: string;
  key: string;
  admin: boolean;
  manageKeys: boolean;
  workspaces: string[];
  createdById: string;
  expiresAt: string;
}
interface EventView {
  type: string;
  objectType: string;
  objectId: string;
  action: string;
  workspace: string | null;
  actor: { kind: string; id: string };
  changes: Array<{ field: string; to?: unknown }>;
}

const DAY_MS = 86_400_000;
const CLI = path.resolve(__dirname, '../../dist/apps/admin-cli/src/main.js');
const FIELDS = ['name', 'admin', 'manageKeys', 'workspaces', 'expiresInDays'];

/**
 * API keys expire, reading everything is not managing keys, no key mints one with more rights
 * than itself, and every creation and revocation is in the global trail naming who did it.
 * Against the real gateway, audit-ingest and broker.
 */
describe('API keys: scopes, expiry and their audit trail', () => {
  let services: TrailServices;

  beforeAll(async () => {
    services = await startTrailServices('apikeyse2e', {
      ownedWorkspace: 'ws-1',
      gatewayEnv: {
        API_KEY_DEFAULT_DAYS: '30',
        API_KEY_MAX_DAYS: '90',
        API_RATE_LIMIT_PER_MINUTE: '100000',
        API_RATE_LIMIT_BURST: '10000',
      },
    });
  });
  afterAll(() => services?.stop());

  const headersOf = (credential: string): Record<string, string> =>
    credential.startsWith('mtk_') ? { 'x-api-key': credential } : { authorization: `Bearer ${credential}` };
  const call = (path: string, credential: string, init: RequestInit = {}) =>
    fetch(`${services.gateway.url}${path}`, {
      ...init,
      headers: { ...headersOf(credential), 'content-type': 'application/json' },
    });
  const createKey = (credential: string, body: unknown) =>
    call('/api/v1/api-keys', credential, { method: 'POST', body: JSON.stringify(body) });
  const trailEvents = async (credential: string): Promise<EventView[]> => {
    const response = await call('/api/v1/events?limit=1000', credential);
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: EventView[] }).events;
  };

  it('refuses an expired key with 401, and records its creation in the global trail only', async () => {
    const response = await createKey(services.tokens.admin, { name: 'siem', admin: true, expiresInDays: 7 });
    expect(response.status).toBe(201);
    const siem = (await response.json()) as KeyView;
    expect(siem).toMatchObject({ admin: true, manageKeys: false, createdById: 'u-admin' });
    const lifetime = Date.parse(siem.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(6 * DAY_MS);
    expect(lifetime).toBeLessThanOrEqual(7 * DAY_MS);

    expect((await call('/api/v1/events?limit=1', siem.key)).status).toBe(200);
    // reading every workspace is not managing keys
    const minted = await createKey(siem.key, { name: 'more', workspaces: ['ws-1'] });
    expect(minted.status).toBe(403);

    // its time is up (moved back instead of waiting a week)
    await services.stack.query(
      `UPDATE api_keys SET created_at = now() - interval '8 days', expires_at = now() - interval '1 second' WHERE id = $1`,
      [siem.id],
    );
    const expired = await call('/api/v1/events?limit=1', siem.key);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { message: string }).message).toContain('expired');

    const [created] = await waitFor('ApiKeyCreated in the trail', async () => {
      const found = (await trailEvents(services.tokens.admin)).filter(
        (e) => e.objectType === 'ApiKey' && e.action === 'created' && e.objectId === siem.id,
      );
      return found.length > 0 && found;
    });
    expect(created).toMatchObject({ workspace: null, actor: { kind: 'user', id: 'u-admin' } });
    expect(created.changes).toContainEqual({ field: 'createdBy', to: 'u-admin' });
    expect(created.changes).toContainEqual({ field: 'expiresAt', to: siem.expiresAt });
    expect(JSON.stringify(created)).not.toContain(siem.key);
    // a workspace owner sees no key events
    expect((await trailEvents(services.tokens.owner)).filter((e) => e.objectType === 'ApiKey')).toEqual([]);

    expect((await call(`/api/v1/api-keys/${siem.id}`, services.tokens.admin, { method: 'DELETE' })).status).toBe(200);
    await waitFor('ApiKeyRevoked in the trail', async () =>
      (await trailEvents(services.tokens.admin)).some(
        (e) =>
          e.objectType === 'ApiKey' && e.action === 'revoked' && e.objectId === siem.id && e.actor.id === 'u-admin',
      ),
    );
  });

  it('lets a key-managing key mint only keys with no more rights than itself', async () => {
    const ops = (await (
      await createKey(services.tokens.admin, { name: 'ops', workspaces: ['ws-1'], manageKeys: true, expiresInDays: 10 })
    ).json()) as KeyView;
    const refusals: Array<[unknown, number, string]> = [
      [{ name: 'wide', admin: true, expiresInDays: 5 }, 403, 'admin'],
      [{ name: 'other', workspaces: ['ws-2'], expiresInDays: 5 }, 403, 'workspaces'],
      [{ name: 'long', workspaces: ['ws-1'], expiresInDays: 20 }, 403, 'expiresInDays'],
      [{ name: 'too long', workspaces: ['ws-1'], expiresInDays: 91 }, 400, 'expiresInDays'],
    ];
    for (const [body, status, field] of refusals) {
      const response = await createKey(ops.key, body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(((await response.json()) as { message: string }).message).toContain(field);
    }
    const response = await createKey(ops.key, { name: 'narrow', workspaces: ['ws-1'], expiresInDays: 5 });
    expect(response.status).toBe(201);
    expect((await response.json()) as KeyView).toMatchObject({ workspaces: ['ws-1'], createdById: ops.id });
  });

  it('answers any body with 201 or a 400 naming the field, and every key created is in the trail', async () => {
    const seed = propertySeed('api-keys');
    const created: KeyView[] = [];
    const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
    const body = fc.record(
      {
        name: fc.oneof(cleanString, hostileString, fc.integer(), fc.constant(null)),
        admin: optional(fc.oneof(fc.boolean(), fc.constant('true'))),
        manageKeys: optional(fc.oneof(fc.boolean(), fc.constant(1))),
        workspaces: optional(fc.oneof(fc.array(fc.oneof(cleanString, hostileString), { maxLength: 3 }), cleanString)),
        expiresInDays: optional(fc.oneof(fc.integer({ min: -2, max: 120 }), fc.double(), fc.constant('30'))),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (input) => {
        const response = await createKey(services.tokens.admin, input);
        const answer = (await response.json()) as KeyView & { message?: string; parameter?: string };
        if (response.status === 201) {
          created.push(answer);
          const lifetime = Date.parse(answer.expiresAt) - Date.now();
          expect(lifetime).toBeGreaterThan(0);
          expect(lifetime).toBeLessThanOrEqual(90 * DAY_MS);
          expect(answer.createdById).toBe('u-admin');
          return;
        }
        expect({ input, status: response.status }).toEqual({ input, status: 400 });
        expect(FIELDS).toContain(answer.parameter);
      }),
      { seed, numRuns: 60 },
    );
    // nothing lost: each key created is recorded once
    const ids = new Set(created.map((key) => key.id));
    await waitFor(
      'every created key in the trail',
      async () => {
        const rows = await services.stack.query<{ object_id: string }>(
          `SELECT object_id FROM audit_events WHERE object_type = 'ApiKey' AND action = 'created' AND object_id = ANY($1::text[])`,
          [[...ids]],
        );
        return rows.length === ids.size && new Set(rows.map((row) => row.object_id)).size === ids.size;
      },
      { timeoutMs: 60_000 },
    );
  });

  it('refuses an admin-cli key whose name the trail would refuse, before the key exists', async () => {
    const before = await services.stack.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys');
    const run = promisify(execFile)(process.execPath, [CLI, 'create-api-key', '--name', 'two\nlines', '--admin'], {
      env: { PATH: process.env.PATH ?? '', ...services.stack.env, LOG_LEVEL: 'warn' },
    });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--name must be one line') });
    expect(await services.stack.query('SELECT count(*)::int AS n FROM api_keys')).toEqual(before);
  });

  it('lets admin-cli create the first key-managing key, expiring, with its creation in the trail', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'create-api-key', '--name', 'bootstrap', '--admin', '--expires-in-days', '3'],
      { env: { PATH: process.env.PATH ?? '', ...services.stack.env, LOG_LEVEL: 'warn' } },
    );
    // stdout: the result line, after any log line at LOG_LEVEL (kafkajs warns about its idempotent producer)
    const lines = stdout.trim().split('\n');
    const printed = JSON.parse(lines[lines.length - 1]) as { id: string; key: string; expiresAt: string };
    const lifetime = Date.parse(printed.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(2 * DAY_MS);
    expect(lifetime).toBeLessThanOrEqual(3 * DAY_MS);
    // it manages keys, and its creation is in the trail, by admin-cli
    const minted = await createKey(printed.key, { name: 'from-bootstrap', workspaces: ['ws-1'], expiresInDays: 1 });
    expect(minted.status).toBe(201);
    const [created] = await waitFor('the CLI key in the trail', async () => {
      const found = (await trailEvents(services.tokens.admin)).filter(
        (e) => e.objectType === 'ApiKey' && e.objectId === printed.id,
      );
      return found.length > 0 && found;
    });
    expect(created).toMatchObject({ action: 'created', actor: { kind: 'system', id: 'admin-cli' } });
    expect(JSON.stringify(created)).not.toContain(printed.key);
  });
});
