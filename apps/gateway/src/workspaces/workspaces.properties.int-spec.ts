import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { Client } from 'pg';
import { applyProjectionDelta, foldEvents } from '@meshtrail/audit-store';
import { storeAuditEvents } from '../../../../test/support/audit-events';
import { expectAnswered, hostileHeaders, pathSegment, queryValue } from '../../../../test/support/http-properties';
import { cleanString, propertySeed } from '../../../../test/support/storable-arbitraries';
import { startGatewayUnderTest } from '../../../../test/support/gateway-under-test';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A workspace name as a producer may send it: any printable text, any script, not blank. */
const workspaceName = fc
  .oneof(cleanString, fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('Straße', 'İstanbul', 'ΣΊΣΥΦΟΣ'))
  // a name with something visible: the projector takes one of blanks or format characters only for none
  .filter(
    (name) => /[^\p{White_Space}\p{Cc}\p{Cf}]/u.test(name) && !name.includes('\u0000') && !LONE_SURROGATE.test(name),
  );

/** The same text with each character's letter case chosen by `upper`. */
function inLetterCase(name: string, upper: boolean[]): string {
  return [...name].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c.toLowerCase())).join('');
}

/**
 * The workspace filter and GET /api/v1/workspaces under hostile values over HTTP (the whole
 * gateway, real PostgreSQL): never a 5xx, a 400 names the parameter; and a workspace the
 * projector named is found by that name in any letter case, by the filter and by `q` alike.
 */
describe('workspace names under hostile input (fast-check over HTTP, real PostgreSQL)', () => {
  let stack: TestStack;
  let pg: Client;
  let app: INestApplication;
  let base: string;
  let adminKey: string;
  let workspaceKey: string;
  const seed = propertySeed('workspace names');

  beforeAll(async () => {
    stack = await createTestStack('wsnameprops');
    pg = new Client({ connectionString: stack.databaseUrl });
    await pg.connect();
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('props-admin', { admin: true, workspaces: [] }, 'test')).key;
    workspaceKey = (await keys.create('props-ws-1', { admin: false, workspaces: ['ws-1'] }, 'test')).key;
    ({ app, base } = await startGatewayUnderTest(stack.env));
  });
  afterAll(async () => {
    await app?.close();
    await pg?.end();
    await stack?.teardown();
  });

  async function call(path: string, key: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, { headers: { ...headers, 'x-api-key': key } });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('application/json');
    return { status: res.status, body: (json && text ? JSON.parse(text) : text) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked below
  }

  it('answers hostile workspace values and workspace-list queries with 2xx or a 4xx naming the parameter', async () => {
    const parameter = fc.constantFrom('workspace', 'q', 'limit', 'x');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(parameter, queryValue), { maxLength: 3 }),
        queryValue,
        pathSegment,
        hostileHeaders,
        fc.constantFrom(adminKey, workspaceKey),
        async (pairs, value, segment, headers, key) => {
          const sent = pairs.map(([name]) => name);
          const requests: Array<[string, string[]]> = [
            [`/events?${new URLSearchParams({ workspace: value })}`, ['workspace']],
            [`/events?${new URLSearchParams({ q: `workspace:"${value.replace(/["\\]/g, '\\$&')}"` })}`, ['q']],
            [`/events/export?${new URLSearchParams({ workspace: value })}`, ['workspace']],
            [`/workspaces/${segment}/events`, ['workspaceId', 'path']],
            [`/workspaces?${new URLSearchParams({ q: value })}`, ['q']],
            [`/workspaces?${new URLSearchParams(pairs)}`, [...sent, 'path']],
          ];
          for (const [path, named] of requests) {
            expectAnswered(await call(path, key, headers), named, { path, headers });
          }
        },
      ),
      { seed, numRuns: 40 },
    );
  });

  it('finds a named workspace by its exact name in any letter case, through the filter and q', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(workspaceName, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), async (name, upper) => {
        const id = `prop-ws-${++n}`;
        const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
        const [eventId] = await storeAuditEvents(db, [
          {
            time: new Date(),
            workspace: id,
            objectType: 'Project',
            objectId: `p-${n}`,
            action: 'updated',
            actor: { kind: 'user', id: 'u-1', displayName: 'Jane' },
            change: 'updated',
          },
        ]);
        // the projector's own fold and writer
        await applyProjectionDelta(
          pg,
          foldEvents([
            {
              seq: n,
              occurredAt: new Date(),
              objectType: 'Workspace',
              objectId: id,
              objectName: name,
              action: 'created',
              fromGrantsTopic: false,
            },
          ]),
        );
        const asked = inLetterCase(name, upper);
        const events = await call(`/events?${new URLSearchParams({ workspace: asked, limit: '1000' })}`, adminKey);
        expect({ name, asked, status: events.status }).toEqual({ name, asked, status: 200 });
        const found = (events.body.events as Array<{ id: string; workspaceName: string }>).find(
          (e) => e.id === eventId,
        );
        expect({ name, asked, found: found?.workspaceName }).toEqual({ name, asked, found: name });
        const listed = await call(`/workspaces?${new URLSearchParams({ q: asked, limit: '1000' })}`, adminKey);
        const ids = (listed.body.workspaces as Array<{ id: string }> | undefined)?.map((w) => w.id);
        expect({ name, asked, status: listed.status, has: ids?.includes(id) }).toEqual({
          name,
          asked,
          status: 200,
          has: true,
        });
      }),
      { seed, numRuns: 60 },
    );
  });
});
