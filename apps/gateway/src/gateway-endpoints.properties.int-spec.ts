import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { storeAuditEvents } from '../../../test/support/audit-events';
import {
  expectAnswered,
  hostileHeaders,
  jsonBody,
  pathSegment,
  queryPairs,
} from '../../../test/support/http-properties';
import { propertySeed } from '../../../test/support/storable-arbitraries';
import { startGatewayUnderTest } from '../../../test/support/gateway-under-test';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { FILTER_FIELDS } from './events/query/event-filter';
import { apiKeyStoreOf } from '../../../test/support/api-keys';

const EVENT_PARAMETERS = [...FILTER_FIELDS, 'from', 'to', 'q', 'limit', 'cursor', 'count', 'format', 'x'];
const ACCESS_LOG_PARAMETERS = [
  'from',
  'to',
  'principal',
  'status',
  'method',
  'pathPrefix',
  'remoteIp',
  'limit',
  'cursor',
  'format',
  'x',
];

const TRANSMISSION_PARAMETERS = ['category', 'result', 'from', 'to', 'limit', 'cursor', 'x'];

/**
 * The gateway's query, export, stats, access-log, telemetry-log, API-key and retention-admin endpoints under hostile
 * query strings, bodies and headers, through the whole gateway module over real HTTP, PostgreSQL
 * and Kafka: every answer is a 2xx or a 4xx, a 400 names what was wrong, never a 5xx.
 */
describe('gateway endpoints under hostile input (fast-check over HTTP, real PostgreSQL and Kafka)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let adminKey: string;
  let workspaceKey: string;
  const seed = propertySeed('gateway endpoints');

  beforeAll(async () => {
    stack = await createTestStack('gatewayprops');
    const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    await storeAuditEvents(
      db,
      Array.from({ length: 30 }, (_, i) => ({
        time: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 3_600_000),
        workspace: i % 2 ? 'ws-1' : 'ws-2',
        objectType: 'Project',
        objectId: `p-${i}`,
        action: 'updated',
        actor: { kind: 'user' as const, id: 'u-1', displayName: 'Jane' },
        change: `changed quota of project p-${i} =1+1;`,
      })),
    );
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('props-admin', { admin: true, workspaces: [], manageKeys: true }, 'test')).key;
    workspaceKey = (await keys.create('props-ws-1', { admin: false, workspaces: ['ws-1'] }, 'test')).key;
    ({ app, base } = await startGatewayUnderTest(stack.env));
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function call(
    method: string,
    path: string,
    key: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('application/json');
    return { status: res.status, body: json && text ? (JSON.parse(text) as unknown) : text };
  }

  const key = () => fc.constantFrom(adminKey, workspaceKey);
  const query = (pairs: Array<[string, string]>) => new URLSearchParams(pairs).toString();

  it('answers the event queries, exports and stats with 2xx or a 4xx naming the parameter', async () => {
    const pairs = queryPairs(fc.constantFrom(...EVENT_PARAMETERS));
    await fc.assert(
      fc.asyncProperty(
        pairs,
        fc.oneof(pathSegment, fc.constantFrom('ws-1', 'ws-2')),
        hostileHeaders,
        key(),
        async (sent, ws, headers, who) => {
          const names = [...sent.map(([name]) => name), 'workspaceId', 'path'];
          for (const path of [
            `/events?${query(sent)}`,
            `/events/export?${query(sent)}`,
            `/workspaces/${ws}/events?${query(sent)}`,
            `/workspaces/${ws}/events/export?${query(sent)}`,
            `/events/stats?${query(sent)}`,
            `/workspaces/${ws}/events/stats?${query(sent)}`,
          ]) {
            expectAnswered(await call('GET', path, who, headers), names, { path, headers });
          }
        },
      ),
      { seed, numRuns: 40 },
    );
  });

  it('answers the access-log search, export and stats with 2xx or a 4xx naming the parameter', async () => {
    const pairs = queryPairs(fc.constantFrom(...ACCESS_LOG_PARAMETERS));
    await fc.assert(
      fc.asyncProperty(pairs, hostileHeaders, key(), async (sent, headers, who) => {
        const names = sent.map(([name]) => name);
        for (const path of [
          `/access-logs?${query(sent)}`,
          `/access-logs/export?${query(sent)}`,
          `/access-logs/stats?${query(sent)}`,
        ]) {
          expectAnswered(await call('GET', path, who, headers), names, { path, headers });
        }
      }),
      { seed, numRuns: 40 },
    );
  });

  it('answers the telemetry transmission log with 2xx or a 4xx naming the parameter', async () => {
    const pairs = queryPairs(fc.constantFrom(...TRANSMISSION_PARAMETERS));
    await fc.assert(
      fc.asyncProperty(pairs, hostileHeaders, key(), async (sent, headers, who) => {
        const path = `/admin/telemetry/transmissions?${query(sent)}`;
        expectAnswered(await call('GET', path, who, headers), [...sent.map(([name]) => name)], { path, headers });
      }),
      { seed, numRuns: 40 },
    );
  });

  it('answers the API-key endpoints with 2xx or a 4xx naming the field', async () => {
    const body = jsonBody(fc.constantFrom('name', 'workspaces', 'admin', 'x'));
    await fc.assert(
      fc.asyncProperty(body, pathSegment, hostileHeaders, key(), async (sent, id, headers, who) => {
        const fields = sent !== null && typeof sent === 'object' && !Array.isArray(sent) ? Object.keys(sent) : [];
        // a missing required field is named too
        const named = [...fields, 'name', 'workspaces', 'admin', 'body', 'id', 'path'];
        expectAnswered(await call('POST', '/api-keys', who, headers, sent), named, { sent, headers });
        expectAnswered(await call('GET', '/api-keys', who, headers), named, { headers });
        const path = `/api-keys/${id}`;
        expectAnswered(await call('DELETE', path, who, headers), named, { path, headers });
      }),
      { seed, numRuns: 40 },
    );
  });

  it('answers the retention-admin endpoints with 2xx or a 4xx naming the parameter or field', async () => {
    const fieldNames = ['dryRun', 'reason', 'workspace', 'until', 'limit', 'status', 'all', 'x'];
    const fields = fc.constantFrom(...fieldNames);
    await fc.assert(
      fc.asyncProperty(
        jsonBody(fields),
        queryPairs(fields),
        pathSegment,
        hostileHeaders,
        key(),
        async (sent, pairs, segment, headers, who) => {
          const bodyFields = sent !== null && typeof sent === 'object' && !Array.isArray(sent) ? Object.keys(sent) : [];
          // a missing required field is named too
          const named = [...bodyFields, ...pairs.map(([name]) => name), ...fieldNames, 'body', 'runId', 'path'];
          const requests: Array<[string, string, unknown]> = [
            ['POST', '/admin/retention/runs', sent],
            ['GET', `/admin/retention/runs?${query(pairs)}`, undefined],
            ['GET', `/admin/retention/runs/${segment}`, undefined],
            ['GET', `/admin/legal-holds?${query(pairs)}`, undefined],
            ['POST', '/admin/legal-holds', sent],
            ['POST', `/admin/legal-holds/${segment}/release`, sent],
          ];
          for (const [method, path, body] of requests) {
            expectAnswered(await call(method, path, who, headers, body), named, { method, path, body, headers });
          }
        },
      ),
      { seed, numRuns: 30 },
    );
  });
});
