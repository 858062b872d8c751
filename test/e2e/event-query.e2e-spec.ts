import { TOPICS } from '@meshtrail/contracts';
import {
  grantWorkspaceRole,
  revokeWorkspaceRole,
  storeAuditEvents,
  storeAuthEvents,
  type FixtureEvent,
} from '../support/audit-events';
import { LocalOidcIssuer } from '../support/oidc-issuer';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';
import { TopicReader } from '../support/topic-reader';

interface Page {
  events: Array<{ id: string; workspace: string | null }>;
  nextCursor: string | null;
  total?: number;
}

const CURSOR_SECRET = 'e2e-cursor-secret-0123456789-abcdefghij';

/** 12 events in ws-1, 8 in ws-2, 3 global ones. */
function storeContents(): FixtureEvent[] {
  const events: FixtureEvent[] = [];
  const add = (workspace: string | null, count: number) => {
    for (let i = 0; i < count; i++) {
      events.push({
        id: `${workspace ?? 'global'}-e${i}`,
        time: new Date(Date.parse('2026-03-01T08:00:00Z') + events.length * 60_000),
        workspace,
        objectType: workspace ? (i % 2 ? 'Project' : 'LandingZone') : 'AdminSettings',
        objectId: `${workspace ?? 'global'}-o${i % 3}`,
        objectName: `object ${i % 3}`,
        action: i % 3 === 0 ? 'deleted' : 'created',
        actor: { kind: 'user', id: `user-${i % 2}@example.com`, displayName: `User ${i % 2}` },
        change: `${i % 3 === 0 ? 'deleted' : 'created'} object ${i % 3} in ${workspace ?? 'the platform'}`,
      });
    }
  };
  add('ws-1', 12);
  add('ws-2', 8);
  add(null, 3);
  return events;
}

describe('event-log query API: admin, two managers and a workspace-scoped API key on one store', () => {
  let stack: TestStack;
  let idp: LocalOidcIssuer;
  let gateway: ServiceProcess;
  let views: TopicReader;
  let contents: FixtureEvent[];
  const tokens: Record<'admin' | 'manager1' | 'manager2' | 'outsider', string> = {} as never;
  let apiKey: { id: string; key: string };

  let grantEventId: string;
  /** Newest first: the membership grant (stored last, dated now), then the fixtures in reverse. */
  const idsOf = (predicate: (e: FixtureEvent) => boolean) => {
    const grant: FixtureEvent = { ...contents[0], id: grantEventId, workspace: 'ws-2', action: 'granted' };
    return [grant, ...[...contents].reverse()].filter(predicate).map((e) => e.id!);
  };

  async function call(path: string, credential?: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (credential) headers.set('authorization', `Bearer ${credential}`);
    return fetch(`${gateway.url}${path}`, { ...init, headers });
  }

  async function page(path: string, credential: string): Promise<Page> {
    const res = await call(path, credential);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  }

  /** Every event a principal sees, following cursors page by page. */
  async function everything(path: string, credential: string, limit = 5): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const next: Page = await page(
        `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        credential,
      );
      ids.push(...next.events.map((e) => e.id));
      cursor = next.nextCursor;
    } while (cursor);
    return ids;
  }

  beforeAll(async () => {
    stack = await createTestStack('queryapi');
    idp = await LocalOidcIssuer.start('meshtrail');
    const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    contents = storeContents();
    await storeAuditEvents(db, contents);
    // manager 2's role comes from the membership projection only (granted through the platform)
    grantEventId = await grantWorkspaceRole(db, 'ws-2', 'u-m2', 'Workspace Manager', new Date(Date.now() - 3_600_000));
    gateway = await ServiceProcess.start('gateway', {
      ...stack.env,
      ...idp.env(),
      QUERY_CURSOR_SECRET: CURSOR_SECRET,
      AUTH_JWKS_COOLDOWN_MS: '0',
    });
    tokens.admin = await idp.sign({
      sub: 'u-admin',
      preferred_username: 'olivia',
      realm_access: { roles: ['meshtrail-admin'] },
    });
    // manager 1's role comes from the token (a Keycloak client role)
    tokens.manager1 = await idp.sign(
      { sub: 'u-m1', preferred_username: 'max', resource_access: { meshtrail: { roles: ['workspace:ws-1:manager'] } } },
      { issuedAt: -30 },
    );
    tokens.manager2 = await idp.sign({ sub: 'u-m2', preferred_username: 'nora' }, { issuedAt: -30 });
    tokens.outsider = await idp.sign({ sub: 'u-x', preferred_username: 'xavier' });
    views = await TopicReader.start(stack.topic(TOPICS.auditEvents), stack.brokers);
  });
  afterAll(async () => {
    await views?.stop();
    await gateway?.stop();
    await idp?.stop();
    await stack?.teardown();
  });

  it('lets the admin create a workspace-scoped API key, shown once and listed without its secret', async () => {
    const res = await call('/api/v1/api-keys', tokens.admin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'siem-ws2', workspaces: ['ws-2'] }),
    });
    expect(res.status).toBe(201);
    apiKey = (await res.json()) as { id: string; key: string };
    expect(apiKey).toMatchObject({ name: 'siem-ws2', admin: false, workspaces: ['ws-2'], createdBy: 'olivia' });
    expect(apiKey.key).toMatch(/^mtk_/);
    const listed = await (await call('/api/v1/api-keys', tokens.admin)).text();
    expect(listed).toContain(apiKey.id);
    // the secret is everything after `mtk_<id>_` (base64url may itself contain `_`)
    expect(listed).not.toContain(apiKey.key.slice(`mtk_${apiKey.id}_`.length));
    // only admins manage keys
    expect((await call('/api/v1/api-keys', tokens.manager1)).status).toBe(403);
    expect((await call('/api/v1/api-keys', apiKey.key)).status).toBe(403);
  });

  it('shows each principal exactly what it may see, page by page', async () => {
    expect(await everything('/api/v1/events', tokens.admin)).toEqual(idsOf(() => true));
    expect(await everything('/api/v1/events', tokens.manager1)).toEqual(idsOf((e) => e.workspace === 'ws-1'));
    expect(await everything('/api/v1/events', tokens.manager2)).toEqual(idsOf((e) => e.workspace === 'ws-2'));
    expect(await everything('/api/v1/events', apiKey.key)).toEqual(idsOf((e) => e.workspace === 'ws-2'));
    const viaHeader = await fetch(`${gateway.url}/api/v1/events?limit=1000`, { headers: { 'x-api-key': apiKey.key } });
    expect(((await viaHeader.json()) as Page).events.map((e) => e.id)).toEqual(idsOf((e) => e.workspace === 'ws-2'));
    expect(await everything('/api/v1/workspaces/ws-1/events', tokens.manager1, 4)).toEqual(
      idsOf((e) => e.workspace === 'ws-1'),
    );
    expect(await everything('/api/v1/workspaces/ws-1/events', tokens.admin)).toEqual(
      idsOf((e) => e.workspace === 'ws-1'),
    );
  });

  it('never shows a manager another workspace, through filters, q, the workspace path, a single event or an export', async () => {
    const m1 = tokens.manager1;
    expect((await call('/api/v1/events?workspace=ws-2', m1)).status).toBe(403);
    expect((await call(`/api/v1/events?q=${encodeURIComponent('workspace:ws-2 action:deleted')}`, m1)).status).toBe(
      403,
    );
    expect((await call('/api/v1/workspaces/ws-2/events', m1)).status).toBe(403);
    expect((await call('/api/v1/workspaces/ws-2/events/export', apiKey.key)).status).toBe(200);
    expect((await call('/api/v1/workspaces/ws-1/events/export', apiKey.key)).status).toBe(403);
    expect((await page(`/api/v1/events?q=${encodeURIComponent('-workspace:ws-1')}`, m1)).events).toEqual([]);
    // a single event outside the scope does not exist, as far as the caller can tell
    const outside = await call('/api/v1/events/ws-2-e1', m1);
    expect(outside.status).toBe(404);
    expect(await (await call('/api/v1/events/no-such-id', m1)).json()).toMatchObject({ statusCode: 404 });
    expect((await call('/api/v1/events/global-e0', apiKey.key)).status).toBe(404);
    const inside = await call('/api/v1/events/ws-1-e1', m1);
    expect(inside.status).toBe(200);
    expect(await inside.json()).toMatchObject({ id: 'ws-1-e1', workspace: 'ws-1', event: { id: 'ws-1-e1' } });
    // the admin's cursor, deep in ws-2's events, used by manager 1: still only ws-1
    const adminPage = await page('/api/v1/events?limit=3', tokens.admin);
    const reused = await page(`/api/v1/events?limit=1000&cursor=${encodeURIComponent(adminPage.nextCursor!)}`, m1);
    expect(reused.events.every((e) => e.workspace === 'ws-1')).toBe(true);
    // exports
    const csv = await call('/api/v1/events/export', m1, { headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0].startsWith('"id","kind","time","workspace"')).toBe(true);
    expect(lines.slice(1).map((l) => JSON.parse(l.split(',')[0]) as string)).toEqual(
      idsOf((e) => e.workspace === 'ws-1'),
    );
    const ndjson = await call(
      `/api/v1/events/export?format=ndjson&q=${encodeURIComponent('action:deleted')}`,
      apiKey.key,
    );
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const exported = (await ndjson.text())
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(exported).toEqual(idsOf((e) => e.workspace === 'ws-2' && e.action === 'deleted'));
    expect(exported.length).toBeGreaterThan(0);
  });

  it('refuses a caller without a workspace role, and requests without valid credentials', async () => {
    expect((await call('/api/v1/events', tokens.outsider)).status).toBe(403);
    const none = await call('/api/v1/events');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer realm="meshtrail"');
    expect(
      (await call('/api/v1/events', idp.unsigned({ sub: 'u-admin', realm_access: { roles: ['meshtrail-admin'] } })))
        .status,
    ).toBe(401);
    expect((await call('/api/v1/events', await idp.hs256WithPublicKey({ sub: 'u-admin' }))).status).toBe(401);
    expect((await call('/api/v1/events', await idp.sign({ sub: 'u-admin' }, { expiresIn: -3600 }))).status).toBe(401);
    expect((await call('/api/v1/events', await idp.sign({ sub: 'u-admin' }, { audience: 'other-app' }))).status).toBe(
      401,
    );
    expect((await call('/api/v1/events', `mtk_${'0'.repeat(16)}_${'a'.repeat(43)}`)).status).toBe(401);
  });

  it('follows key rotation at the issuer without a restart', async () => {
    await idp.rotate({ retireOld: true });
    const rotated = await idp.sign({
      sub: 'u-admin',
      preferred_username: 'olivia',
      realm_access: { roles: ['meshtrail-admin'] },
    });
    expect((await call('/api/v1/events?limit=1', rotated)).status).toBe(200);
    // tokens signed with the retired key no longer verify
    expect((await call('/api/v1/events?limit=1', tokens.admin)).status).toBe(401);
    tokens.admin = rotated;
    const m1 = await idp.sign(
      { sub: 'u-m1', preferred_username: 'max', resource_access: { meshtrail: { roles: ['workspace:ws-1:manager'] } } },
      { issuedAt: -30 },
    );
    tokens.manager1 = m1;
    tokens.manager2 = await idp.sign({ sub: 'u-m2', preferred_username: 'nora' }, { issuedAt: -30 });
  });

  it('answers bad input with 400 naming the parameter', async () => {
    const bad = async (query: string) => {
      const res = await call(`/api/v1/events?${query}`, tokens.admin);
      expect(res.status).toBe(400);
      return (await res.json()) as { parameter: string; message: string; position?: number };
    };
    expect(await bad('colour=red')).toMatchObject({ parameter: 'colour' });
    expect(await bad('from=yesterday')).toMatchObject({ parameter: 'from' });
    expect(await bad('limit=1001')).toMatchObject({ parameter: 'limit' });
    expect(await bad('limit=0')).toMatchObject({ parameter: 'limit' });
    expect(await bad('cursor=abc.def')).toMatchObject({ parameter: 'cursor' });
    expect(await bad('action=explode')).toMatchObject({ parameter: 'action' });
    expect(await bad('action=a&action=b')).toMatchObject({ parameter: 'action' });
    expect(await bad(`q=${encodeURIComponent('action:deleted "unclosed')}`)).toMatchObject({
      parameter: 'q',
      position: 15,
    });
    expect(await bad(`q=${encodeURIComponent('actor:jane owner:bob')}`)).toMatchObject({
      parameter: 'q',
      position: 11,
    });
    expect((await call('/api/v1/events/export?format=xml', tokens.admin)).status).toBe(400);
  });

  it('shows Keycloak login events in the trail to admins only', async () => {
    const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    await storeAuthEvents(db, [
      {
        time: new Date(),
        kind: 'login',
        type: 'LOGIN_ERROR',
        userId: 'kc-9',
        username: 'mallory',
        error: 'invalid_user_credentials',
      },
    ]);
    const adminPage = await page('/api/v1/events?limit=1', tokens.admin);
    expect(adminPage.events[0]).toMatchObject({
      kind: 'auth',
      source: 'keycloak',
      action: 'login_error',
      workspace: null,
    });
    const errors = await page(
      `/api/v1/events?q=${encodeURIComponent('kind:auth "invalid_user_credentials"')}`,
      tokens.admin,
    );
    expect(errors.events).toHaveLength(1);
    expect((await page('/api/v1/events?kind=auth', tokens.manager1)).events).toEqual([]);
    expect((await page('/api/v1/events?limit=1000', apiKey.key)).events.every((e) => e.workspace === 'ws-2')).toBe(
      true,
    );
  });

  it('records every read as an AuditLogViewed event with the principal and the filters', async () => {
    await call(`/api/v1/events?q=${encodeURIComponent('action:deleted objectType:Project')}`, tokens.manager1);
    const seen = await waitFor('the AuditLogViewed events of every principal', () => {
      const events = views.records.map(
        (record) =>
          JSON.parse(record.value!.toString()) as {
            type: string;
            data: { actor: { kind: string; displayName: string }; workspace?: string; change: string };
          },
      );
      const names = new Set(
        events.filter((e) => e.type === 'meshtrail.auditlog.viewed').map((e) => e.data.actor.displayName),
      );
      const filtered = events.find(
        (e) => e.data.change === 'listed audit events where action:deleted objectType:Project',
      );
      return ['olivia', 'max', 'nora', 'siem-ws2'].every((n) => names.has(n)) && filtered
        ? { events, filtered }
        : undefined;
    });
    expect(seen.filtered.data).toMatchObject({ workspace: 'ws-1', actor: { kind: 'user', displayName: 'max' } });
    expect(
      seen.events.some((e) => e.data.actor.kind === 'apiKey' && e.data.change.startsWith('exported (ndjson)')),
    ).toBe(true);
  });

  it('takes a revoked membership away at once, while the tokens are still valid', async () => {
    const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    expect((await call('/api/v1/events?limit=1', tokens.manager2)).status).toBe(200);
    expect((await call('/api/v1/events?limit=1', tokens.manager1)).status).toBe(200);
    await revokeWorkspaceRole(db, 'ws-2', 'u-m2', 'Workspace Manager');
    await revokeWorkspaceRole(db, 'ws-1', 'u-m1', 'Workspace Manager');
    expect((await call('/api/v1/events?limit=1', tokens.manager2)).status).toBe(403);
    expect((await call('/api/v1/workspaces/ws-1/events', tokens.manager1)).status).toBe(403);
    expect((await call('/api/v1/events/ws-1-e1', tokens.manager1)).status).toBe(403);
  });

  it('revokes an API key immediately', async () => {
    const res = await call(`/api/v1/api-keys/${apiKey.id}`, tokens.admin, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: apiKey.id, revokedBy: 'olivia' });
    expect((await call('/api/v1/events', apiKey.key)).status).toBe(401);
  });

  it('serves the OpenAPI document and Swagger UI at /api/docs', async () => {
    const ui = await fetch(`${gateway.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const doc = (await (await fetch(`${gateway.url}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/events',
        '/api/v1/events/export',
        '/api/v1/events/feed',
        '/api/v1/events/{id}',
        '/api/v1/workspaces/{workspaceId}/events',
        '/api/v1/workspaces',
        '/api/v1/api-keys',
        '/api/v1/events/{id}/proof',
        '/api/v1/events/export/trail',
        '/api/v1/checkpoints',
        '/api/v1/checkpoints/keys',
        '/api/v1/checkpoints/export',
        '/api/v1/checkpoints/{number}',
      ]),
    );
  });
});

describe('rate limits per principal', () => {
  let stack: TestStack;
  let idp: LocalOidcIssuer;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stack = await createTestStack('ratelimit');
    idp = await LocalOidcIssuer.start('meshtrail');
    gateway = await ServiceProcess.start('gateway', {
      ...stack.env,
      ...idp.env(),
      API_RATE_LIMIT_BURST: '3',
      API_RATE_LIMIT_PER_MINUTE: '6',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await idp?.stop();
    await stack?.teardown();
  });

  it('answers 429 with Retry-After once a principal has used its burst, and keeps others apart', async () => {
    const admin = (sub: string) => idp.sign({ sub, realm_access: { roles: ['meshtrail-admin'] } });
    const first = await admin('u-busy');
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${gateway.url}/api/v1/events?limit=1`, {
        headers: { authorization: `Bearer ${first}` },
      });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toMatchObject({ code: 'API.RATE_LIMITED' });
    const other = await fetch(`${gateway.url}/api/v1/events?limit=1`, {
      headers: { authorization: `Bearer ${await admin('u-calm')}` },
    });
    expect(other.status).toBe(200);
  });
});
