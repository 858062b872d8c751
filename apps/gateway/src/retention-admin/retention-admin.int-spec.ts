import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@meshtrail/config';
import { TOPICS, type AuditCloudEvent, type EnforceRetention } from '@meshtrail/contracts';
import { CoreModule } from '@meshtrail/runtime';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { TopicReader } from '../../../../test/support/topic-reader';
import { GatewayEnv } from '../gateway.env';
import type { AdminPrincipal } from './admin-principal.guard';
import { RetentionAdminModule } from './retention-admin.module';

const ADMIN: AdminPrincipal = { kind: 'user', id: 'u-admin', name: 'Ada Admin', admin: true };
const MANAGER: AdminPrincipal = { kind: 'user', id: 'u-manager', name: 'Max Manager', admin: false };

describe('retention admin endpoints (real PostgreSQL and Kafka; authentication stood in by a header)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let commands: TopicReader;
  let audit: TopicReader;

  beforeAll(async () => {
    stack = await createTestStack('retentionadmin');
    const config = loadConfig('gateway', GatewayEnv, stack.env);
    const module = await Test.createTestingModule({
      imports: [CoreModule.register('gateway', config), RetentionAdminModule],
    }).compile();
    app = module.createNestApplication({ logger: false });
    // what issue 4's authentication guard does for real: put the caller's principal on the request
    app.use((req: { headers: Record<string, string>; principal?: AdminPrincipal }, _res: unknown, next: () => void) => {
      if (req.headers['x-test-principal']) req.principal = JSON.parse(req.headers['x-test-principal']);
      next();
    });
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

  const call = async (method: string, path: string, principal?: AdminPrincipal, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(principal ? { 'x-test-principal': JSON.stringify(principal) } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('refuses anyone not authenticated (401) and anyone not an admin (403)', async () => {
    expect(await call('POST', '/retention/runs', undefined, { dryRun: true })).toMatchObject({
      status: 401,
      body: { code: 'AUTH.UNAUTHENTICATED' },
    });
    expect(await call('POST', '/retention/runs', MANAGER, { dryRun: true })).toMatchObject({
      status: 403,
      body: { code: 'AUTH.FORBIDDEN' },
    });
    expect((await call('GET', '/legal-holds', MANAGER)).status).toBe(403);
  });

  it('turns POST /retention/runs into an EnforceRetention command whose id is the run’s', async () => {
    const accepted = await call('POST', '/retention/runs', ADMIN, { dryRun: true });
    expect(accepted).toMatchObject({ status: 202, body: { dryRun: true, status: 'requested' } });
    const runId = accepted.body.runId as string;
    const [command] = await commands.waitForValues<EnforceRetention>('the command', (c) => c.commandId === runId);
    expect(command).toMatchObject({
      type: 'EnforceRetention',
      dryRun: true,
      requestedBy: { kind: 'user', id: 'u-admin', displayName: 'Ada Admin' },
    });
    // nobody has run it yet (no retention service here)
    expect(await call('GET', `/retention/runs/${runId}`, ADMIN)).toMatchObject({
      status: 404,
      body: { code: 'RETENTION.RUN_PENDING' },
    });
  });

  it('names what is wrong with a bad request', async () => {
    expect(await call('POST', '/retention/runs', ADMIN, { dryRun: 'yes' })).toMatchObject({
      status: 400,
      body: { parameter: 'dryRun', message: 'dryRun: required, true or false' },
    });
    expect((await call('GET', '/retention/runs/not-a-uuid', ADMIN)).body).toMatchObject({ parameter: 'runId' });
    expect((await call('GET', '/retention/runs?limit=0', ADMIN)).body).toMatchObject({ parameter: 'limit' });
    expect((await call('POST', '/legal-holds', ADMIN, { workspace: 'ws-1' })).body).toMatchObject({
      parameter: 'reason',
    });
  });

  it('places, lists and releases legal holds, with their audit events and the admin as actor', async () => {
    const placed = await call('POST', '/legal-holds', ADMIN, { workspace: 'ws-7', reason: 'litigation' });
    expect(placed).toMatchObject({ status: 201, body: { workspace: 'ws-7', placedBy: { name: 'Ada Admin' } } });
    expect(await call('POST', '/legal-holds', ADMIN, { workspace: 'ws-7', reason: 'again' })).toMatchObject({
      status: 409,
      body: { code: 'LEGAL_HOLD.ALREADY_HELD' },
    });
    expect((await call('GET', '/legal-holds', ADMIN)).body.holds).toEqual([
      expect.objectContaining({ workspace: 'ws-7' }),
    ]);
    expect(await call('POST', '/legal-holds/ws-7/release', ADMIN, { reason: 'closed' })).toMatchObject({
      status: 200,
      body: { releaseReason: 'closed' },
    });
    expect(await call('POST', '/legal-holds/ws-7/release', ADMIN, { reason: 'closed' })).toMatchObject({
      status: 404,
      body: { code: 'LEGAL_HOLD.NOT_HELD' },
    });
    const events = await audit.waitForValues<AuditCloudEvent>(
      'hold events',
      (e) => e.data.objectType === 'LegalHold',
      2,
    );
    expect(events.map((e) => [e.type, e.source, e.data.actor.displayName])).toEqual([
      ['meshtrail.legalhold.placed', 'meshtrail/gateway', 'Ada Admin'],
      ['meshtrail.legalhold.released', 'meshtrail/gateway', 'Ada Admin'],
    ]);
  });
});
