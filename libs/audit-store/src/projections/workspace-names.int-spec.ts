import { Client } from 'pg';
import { validateAuditEvent } from '@meshtrail/contracts';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { storeAuditEvents } from '../audit-event.store';
import type { IncomingAuditEvent } from '../stored-audit-event';
import { projectTrailUntilCaughtUp } from './project-trail';
import { workspaceNameKey } from './projection-delta';
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

/** Characters whose key is longer in UTF-8 than they are: Greek upper-cased, or an Indic letter NFC decomposes. */
const WIDENED_BY = {
  caseFolding: '\u0390\u03b0\u1f52\u1f54\u1f56\u1fb7\u1fc7\u1fd2\u1fd3\u1fd7\u1fe2\u1fe3\u1fe7\u1ff7',
  composition: '\u0958\u0959\u095a\u095b\u095c\u095d\u095e\u095f\u09dc\u09dd\u09df\u0a33\u0a36\u0a59\u0a5a\u0a5b',
};

/**
 * 512 characters (the longest objectName the contract takes): `wide` of them from `alphabet`, the
 * rest random CJK, shuffled, so that the key is too varied for PostgreSQL to compress an index entry.
 */
function widenedName(seed: number, alphabet: string, wide: number): string {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * n);
  };
  const chars = Array.from({ length: 512 }, (_, i) =>
    i < wide ? alphabet[next(alphabet.length)] : String.fromCharCode(0x4e00 + next(20000)),
  );
  for (let i = chars.length - 1; i > 0; i--) {
    const j = next(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
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

  it('projects the longest names and workspace ids the contract takes, however much folding widens them', async () => {
    const workspaces = [1, 2].map((seed) => widenedName(seed + 100, '', 0).slice(0, 256));
    const named = [widenedName(1, WIDENED_BY.caseFolding, 140), widenedName(2, WIDENED_BY.composition, 150)];
    await storeAuditEvents(client, [
      workspaceEvent('wide-1', 'created', workspaces[0], named[0]),
      workspaceEvent('wide-2', 'created', workspaces[1], named[1]),
    ]);
    // one such event used to fail the projector's every attempt: an index entry over 2,704 bytes
    expect(await projectTrailUntilCaughtUp(client)).toBe(2);
    const rows = await stack.query<{ workspace: string; name: string; name_key: string }>(
      'SELECT workspace, name, name_key FROM workspace_names WHERE workspace = ANY($1) ORDER BY name',
      [workspaces],
    );
    expect(rows.map((row) => row.name).sort()).toEqual([...named].sort());
    for (const row of rows) {
      expect(row.name_key).toBe(workspaceNameKey(row.name));
      expect(Buffer.byteLength(row.name_key)).toBeLessThanOrEqual(1536);
    }
    // still exact: the same name in another letter case has the key; the name one character shorter has not
    expect(workspaceNameKey(named[0].toUpperCase())).toBe(workspaceNameKey(named[0]));
    expect(workspaceNameKey(named[0].slice(0, -1))).not.toBe(workspaceNameKey(named[0]));
    const held = await stack.query<{ workspace: string }>(
      'SELECT workspace FROM workspace_name_history WHERE name_key = ANY($1) ORDER BY workspace',
      [named.map(workspaceNameKey)],
    );
    expect(held.map((row) => row.workspace).sort()).toEqual([...workspaces].sort());
  });
});
