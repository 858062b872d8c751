import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@meshtrail/auth';
import { loadConfig } from '@meshtrail/config';
import { TOPICS, type AuditCloudEvent, type EnforceRetention } from '@meshtrail/contracts';
import { recordRun, type RetentionRun, type StoreOutcome } from '@meshtrail/retention';
import { CoreModule } from '@meshtrail/runtime';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { TopicReader } from '../../../../test/support/topic-reader';
import { authOptionsFrom } from '../auth/auth-options';
import { GatewayEnv } from '../gateway.env';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RetentionAdminModule } from './retention-admin.module';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

describe('retention admin endpoints (real PostgreSQL and Kafka, API keys through the real auth guard)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let commands: TopicReader;
  let audit: TopicReader;
  let adminKey: string;
  let workspaceKey: string;
  let readAllKey: string;

  beforeAll(async () => {
    stack = await createTestStack('retentionadmin');
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('ops-admin', { admin: true, workspaces: [], manageKeys: true }, 'test')).key;
    workspaceKey = (await keys.create('ws-reader', { admin: false, workspaces: ['ws-7'] }, 'test')).key;
    readAllKey = (await keys.create('siem-reader', { admin: true, workspaces: [] }, 'test')).key;
    const config = loadConfig('gateway', GatewayEnv, stack.env);
    const module = await Test.createTestingModule({
      imports: [
        CoreModule.register('gateway', config),
        AuthModule.register(authOptionsFrom(config)),
        RateLimitModule.register({ perMinute: 1000, burst: 1000 }),
        RetentionAdminModule,
      ],
    }).compile();
    app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1/admin`;
    commands = await TopicReader.start(stack.topic(TOPICS.retentionCommands), stack.brokers);
    audit = await TopicReader.start(stack.topic(TOPICS.auditEvents), stack.brokers);
  });
  afterAll(async () => {
    await commands.stop();
    await audit.stop();
    await app.close();
    await stack.teardown();
  });

  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('refuses anyone not authenticated (401) and anyone not an admin (403)', async () => {
    expect(await call('POST', '/retention/runs', undefined, { dryRun: true })).toMatchObject({ status: 401 });
    expect(await call('POST', '/retention/runs', workspaceKey, { dryRun: true })).toMatchObject({
      status: 403,
      body: { code: 'AUTH.FORBIDDEN' },
    });
    expect((await call('GET', '/legal-holds', workspaceKey)).status).toBe(403);
    expect((await call('POST', '/legal-holds', undefined, { workspace: 'ws-7', reason: 'x' })).status).toBe(401);
  });

  it('lets a read-all key read, and change nothing: no run, no hold', async () => {
    expect((await call('GET', '/legal-holds', readAllKey)).status).toBe(200);
    for (const [path, body] of [
      ['/retention/runs', { dryRun: true }],
      ['/legal-holds', { workspace: 'ws-7', reason: 'investigation' }],
    ] as const) {
      expect(await call('POST', path, readAllKey, body)).toMatchObject({
        status: 403,
        body: { code: 'AUTH.FORBIDDEN', message: expect.stringContaining('changes nothing') },
      });
    }
  });

  it('turns POST /retention/runs into an EnforceRetention command whose id is the run’s', async () => {
    const accepted = await call('POST', '/retention/runs', adminKey, { dryRun: true });
    expect(accepted).toMatchObject({ status: 202, body: { dryRun: true, status: 'requested' } });
    const runId = accepted.body.runId as string;
    const [command] = await commands.waitForValues<EnforceRetention>('the command', (c) => c.commandId === runId);
    expect(command).toMatchObject({
      type: 'EnforceRetention',
      dryRun: true,
      requestedBy: { kind: 'apiKey', displayName: 'ops-admin' },
    });
    // nobody has run it yet (no retention service here)
    expect(await call('GET', `/retention/runs/${runId}`, adminKey)).toMatchObject({
      status: 404,
      body: { code: 'RETENTION.RUN_PENDING' },
    });
    expect(await call('GET', '/retention/runs', adminKey)).toMatchObject({ status: 200, body: { runs: [] } });
  });

  it('lists recorded runs with the rows each deleted over all its stores, beside the per-store outcomes', async () => {
    const outcome = (kind: string, rowsDeleted: number) =>
      ({
        kind,
        table: kind,
        partitionsDropped: [],
        rowsDeleted,
        rowsInDroppedPartitions: 0,
      }) as unknown as StoreOutcome;
    const runId = randomUUID();
    const run: RetentionRun = {
      runId,
      trigger: 'schedule',
      scheduledFor: new Date('2031-01-01T03:00:00Z'),
      dryRun: false,
      startedAt: new Date('2031-01-01T03:00:00Z'),
      finishedAt: new Date('2031-01-01T03:00:05Z'),
      status: 'succeeded',
      outcomes: [outcome('audit_events', 1200), outcome('access_logs', 34), outcome('telemetry_transmissions', 0)],
    };
    // as the retention service records it
    const client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
    await recordRun(client, run).finally(() => client.end());
    const { body } = await call('GET', '/retention/runs', adminKey);
    const listed = (body.runs as Array<Record<string, unknown>>).find((r) => r.runId === runId);
    expect(listed).toMatchObject({ runId, rowsDeleted: 1234 });
    expect((listed?.outcomes as unknown[]).length).toBe(3);
    expect((await call('GET', `/retention/runs/${runId}`, adminKey)).body).toMatchObject({ rowsDeleted: 1234 });
  });

  it('names what is wrong with a bad request', async () => {
    expect(await call('POST', '/retention/runs', adminKey, { dryRun: 'yes' })).toMatchObject({
      status: 400,
      body: { parameter: 'dryRun' },
    });
    expect(await call('POST', '/retention/runs', adminKey, {})).toMatchObject({
      status: 400,
      body: { parameter: 'dryRun' },
    });
    expect((await call('GET', '/retention/runs/not-a-uuid', adminKey)).body).toMatchObject({ parameter: 'runId' });
    expect((await call('GET', '/retention/runs?limit=0', adminKey)).body).toMatchObject({ parameter: 'limit' });
    expect((await call('POST', '/legal-holds', adminKey, { workspace: 'ws-1' })).body).toMatchObject({
      parameter: 'reason',
    });
  });

  it('places, lists and releases legal holds, with their audit events and the admin as actor', async () => {
    const placed = await call('POST', '/legal-holds', adminKey, { workspace: 'ws-7', reason: 'litigation' });
    expect(placed).toMatchObject({ status: 201, body: { workspace: 'ws-7', placedBy: { name: 'ops-admin' } } });
    expect(await call('POST', '/legal-holds', adminKey, { workspace: 'ws-7', reason: 'again' })).toMatchObject({
      status: 409,
      body: { code: 'LEGAL_HOLD.ALREADY_HELD' },
    });
    expect((await call('GET', '/legal-holds', adminKey)).body.holds).toEqual([
      expect.objectContaining({ workspace: 'ws-7' }),
    ]);
    expect(await call('POST', '/legal-holds/ws-7/release', adminKey, { reason: 'closed' })).toMatchObject({
      status: 200,
      body: { releaseReason: 'closed' },
    });
    expect(await call('POST', '/legal-holds/ws-7/release', adminKey, { reason: 'closed' })).toMatchObject({
      status: 404,
      body: { code: 'LEGAL_HOLD.NOT_HELD' },
    });
    const events = await audit.waitForValues<AuditCloudEvent>(
      'hold events',
      (e) => e.data.objectType === 'LegalHold',
      2,
    );
    expect(events.map((e) => [e.type, e.source, e.data.actor.kind, e.data.actor.displayName])).toEqual([
      ['meshtrail.legalhold.placed', 'meshtrail/gateway', 'apiKey', 'ops-admin'],
      ['meshtrail.legalhold.released', 'meshtrail/gateway', 'apiKey', 'ops-admin'],
    ]);
  });
});
