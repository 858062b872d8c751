import { Client } from 'pg';
import { validateAuditEvent } from '@meshtrail/contracts';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { storeAuditEvents } from '../audit-event.store';
import type { IncomingAuditEvent } from '../stored-audit-event';
import { projectTrailUntilCaughtUp } from './project-trail';
import { snapshotProjections } from './projection-snapshot';
import { rebuildProjections } from './rebuild-projections';

const now = new Date();
let offset = 0;

function workspaceEvent(id: string, action: string, workspace: string, objectName?: string): IncomingAuditEvent {
  const result = validateAuditEvent(
    {
      specversion: '1.0',
      id,
      source: 'meshstack/workspaces',
      type: `meshstack.workspace.${action}`,
      time: new Date(now.getTime() - 60_000).toISOString(),
      data: {
        objectType: 'Workspace',
        objectId: workspace,
        ...(objectName === undefined ? {} : { objectName }),
        action,
        workspace,
        actor: { kind: 'user', id: 'u-1', displayName: 'Jane' },
        change: `${action} workspace ${workspace}`,
      },
    },
    { now, maxFutureSkewMs: 60_000 },
  );
  if (!result.ok) throw new Error(result.message);
  return { ...result, topic: 'audit.events.v1', partition: 0, offset: String(offset++) };
}

describe('the workspace-name projection (real PostgreSQL)', () => {
  let stack: TestStack;
  let client: Client;

  beforeAll(async () => {
    stack = await createTestStack('wsnames');
    client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await stack?.teardown();
  });

  const names = async () => ({
    current: await stack.query('SELECT workspace, name, name_key, deleted FROM workspace_names ORDER BY workspace'),
    held: (
      await stack.query<{ entry: string }>(
        "SELECT workspace || '=' || name AS entry FROM workspace_name_history ORDER BY workspace, name_key",
      )
    ).map((row) => row.entry),
  });

  it('follows renames and deletions batch by batch, keeps former names, and survives a rebuild and a purge', async () => {
    const batches = [
      [
        workspaceEvent('w1', 'created', 'ws-1', 'Acme'),
        workspaceEvent('w2', 'created', 'ws-2', 'Globex'),
        workspaceEvent('w3', 'created', 'ws-3'),
      ],
      [workspaceEvent('w4', 'updated', 'ws-1', 'Acme Corp'), workspaceEvent('w5', 'deleted', 'ws-2', 'Globex')],
      [workspaceEvent('w6', 'updated', 'ws-1', 'ACME Group'), workspaceEvent('w7', 'updated', 'ws-3', 'Initech')],
    ];
    for (const batch of batches) {
      await storeAuditEvents(client, batch);
      expect(await projectTrailUntilCaughtUp(client)).toBe(batch.length);
    }
    const expected = {
      current: [
        { workspace: 'ws-1', name: 'ACME Group', name_key: 'acme group', deleted: false },
        { workspace: 'ws-2', name: 'Globex', name_key: 'globex', deleted: true },
        { workspace: 'ws-3', name: 'Initech', name_key: 'initech', deleted: false },
      ],
      held: ['ws-1=Acme', 'ws-1=Acme Corp', 'ws-1=ACME Group', 'ws-2=Globex', 'ws-3=Initech'],
    };
    expect(await names()).toEqual(expected);

    // a rebuild folds the whole trail again, in chunks that cut across the batches too
    expect(await rebuildProjections(client)).toMatchObject({ workspaces: 3 });
    expect(await names()).toEqual(expected);
    await rebuildProjections(client, { chunkSize: 1 });
    expect(await names()).toEqual(expected);

    // retention snapshots the projections, then purges the events that named the workspaces
    await snapshotProjections(client);
    await stack.query("DELETE FROM audit_events WHERE id IN ('w1', 'w2', 'w4', 'w5', 'w6')");
    await storeAuditEvents(client, [workspaceEvent('w8', 'updated', 'ws-1', 'Acme Holdings')]);
    expect(await projectTrailUntilCaughtUp(client)).toBe(1);
    const afterPurge = {
      current: [
        { ...expected.current[0], name: 'Acme Holdings', name_key: 'acme holdings' },
        ...expected.current.slice(1),
      ],
      held: ['ws-1=Acme', 'ws-1=Acme Corp', 'ws-1=ACME Group', 'ws-1=Acme Holdings', 'ws-2=Globex', 'ws-3=Initech'],
    };
    expect(await names()).toEqual(afterPurge);
    const report = await rebuildProjections(client);
    expect(report).toMatchObject({ events: 1, workspaces: 3 });
    expect(await names()).toEqual(afterPurge);
  });
});
