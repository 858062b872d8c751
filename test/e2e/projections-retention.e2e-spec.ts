import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { AuditEventPublisher, TOPICS, type AuditEventInput } from '@meshtrail/contracts';
import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { ensureMonths } from '../support/store-rows';
import { createTestStack, type TestStack } from '../support/test-stack';

const CLI = path.resolve(__dirname, '../../dist/apps/admin-cli/src/main.js');
const admin = { kind: 'user' as const, id: 'admin', displayName: 'admin' };

function event(time: Date, objectType: string, objectId: string, action: string, role?: string): AuditEventInput {
  return {
    time,
    data: {
      objectType,
      objectId,
      action,
      workspace: 'ws-old',
      actor: admin,
      change: `${action} ${objectId}`,
      ...(role ? { changes: [{ field: 'role', to: role }] } : {}),
    },
  };
}

/**
 * Projections survive retention: a workspace manager granted three years ago keeps the
 * membership, the objects created then stay counted and the workspace named then keeps its name,
 * after retention purged that month and rebuild-projections rebuilt every projection from what
 * the store still holds.
 */
describe('projections survive retention (audit-ingest, retention and admin-cli as processes)', () => {
  let stack: TestStack;
  let producer: KafkaProducer;
  let ingest: ServiceProcess;

  beforeAll(async () => {
    stack = await createTestStack('projretention');
    producer = new KafkaProducer(
      createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'projretention'),
    );
  });
  afterAll(async () => {
    await ingest?.stop();
    await producer?.close();
    await stack?.teardown();
  });

  const memberships = () =>
    stack.query<{ workspace: string; user_id: string; role: string }>(
      'SELECT workspace, user_id, role FROM workspace_memberships ORDER BY workspace, user_id, role',
    );
  const names = () => stack.query('SELECT workspace, name, deleted FROM workspace_names ORDER BY workspace');
  const expectedNames = [{ workspace: 'ws-old', name: 'Old Works', deleted: false }];
  const counts = () =>
    stack.query<{ object_type: string; count: string }>(
      'SELECT object_type, count::text FROM object_counts ORDER BY object_type',
    );

  it('keeps the memberships and counts of a purged month through the purge and a rebuild', async () => {
    const old = new Date(Date.now() - 3 * 365 * 86_400_000);
    const month = `${old.toISOString().slice(0, 7)}-01`;
    await ensureMonths(stack, 'audit_events', month, 1);
    await ensureMonths(stack, 'audit_event_search', month, 1);
    const publisher = new AuditEventPublisher({
      sink: producer,
      source: 'meshstack/e2e',
      topicPrefix: stack.topicPrefix,
    });
    // grants come only from the grants topic
    const grants = new AuditEventPublisher({
      sink: producer,
      source: 'meshstack/identity',
      topicPrefix: stack.topicPrefix,
      topic: TOPICS.accessGrants,
    });
    const workspaceCreated = event(old, 'Workspace', 'ws-old', 'created');
    await publisher.publish([
      { ...workspaceCreated, data: { ...workspaceCreated.data, objectName: 'Old Works' } },
      event(old, 'Project', 'p-old', 'created'),
      event(new Date(), 'Project', 'p-new', 'created'),
    ]);
    await grants.publish([event(old, 'WorkspaceAccess', 'u-manager', 'granted', 'Workspace Manager')]);
    ingest = await ServiceProcess.start('audit-ingest', stack.env);
    const expectedMemberships = [{ workspace: 'ws-old', user_id: 'u-manager', role: 'Workspace Manager' }];
    const expectedCounts = [
      { object_type: 'Project', count: '2' },
      { object_type: 'Workspace', count: '1' },
    ];
    await waitFor(
      'the projector to fold the stored events',
      async () => (await counts()).length === 2 && (await memberships()).length === 1,
    );
    expect(await memberships()).toEqual(expectedMemberships);
    expect(await counts()).toEqual(expectedCounts);
    expect(await names()).toEqual(expectedNames);

    // retention catches up its latest slot at start: the month of the grant goes
    const retention = await ServiceProcess.start('retention', stack.env);
    try {
      const [run] = await waitFor('the retention run', async () => {
        const rows = await stack.query<{ status: string; error: string | null }>(
          'SELECT status, error FROM retention_runs',
        );
        return rows.length > 0 ? rows : undefined;
      });
      expect(run).toEqual({ status: 'succeeded', error: null });
    } finally {
      await retention.stop();
    }
    expect(
      (await stack.query(`SELECT object_id FROM audit_events WHERE workspace = 'ws-old'`)).map((row) => row.object_id),
    ).toEqual(['p-new']);
    const [snapshot] = await stack.query<{ memberships: string; objects: string }>(
      'SELECT memberships::text, objects::text FROM projection_snapshots',
    );
    expect(snapshot).toEqual({ memberships: '1', objects: '3' });

    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'rebuild-projections'], {
      env: { PATH: process.env.PATH ?? '', ...stack.env, LOG_LEVEL: 'info' },
    });
    const rebuilt = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'Projections Rebuilt');
    // started from the snapshot retention took before the purge
    expect(rebuilt).toMatchObject({ memberships: 1, objectTypes: 2, fromSnapshot: expect.any(Object) });
    expect(await memberships()).toEqual(expectedMemberships);
    expect(await counts()).toEqual(expectedCounts);
    // the name of a workspace whose Workspace event was purged
    expect(await names()).toEqual(expectedNames);
    // the read model holds what the store holds, no more
    expect(
      (await stack.query(`SELECT object_id FROM audit_event_search WHERE workspace = 'ws-old'`)).map(
        (row) => row.object_id,
      ),
    ).toEqual(['p-new']);
  });
});
