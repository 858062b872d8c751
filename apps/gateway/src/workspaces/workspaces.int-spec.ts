import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { projectTrailUntilCaughtUp } from '@meshtrail/audit-store';
import { projectWorkspaceNames, storeAuditEvents, type FixtureEvent } from '../../../../test/support/audit-events';
import { startGatewayUnderTest } from '../../../../test/support/gateway-under-test';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

const actor = { kind: 'user' as const, id: 'u-1', displayName: 'Jane' };
let minute = 0;
const at = () => new Date(Date.parse('2026-10-01T00:00:00Z') + minute++ * 60_000);

function workspaceEvent(action: string, workspace: string, objectName?: string): FixtureEvent {
  return {
    time: at(),
    workspace,
    objectType: 'Workspace',
    objectId: workspace,
    objectName,
    action,
    actor,
    change: `${action} ${workspace}`,
  };
}
function projectEvent(workspace: string, objectId: string): FixtureEvent {
  return {
    time: at(),
    workspace,
    objectType: 'Project',
    objectId,
    action: 'updated',
    actor,
    change: `updated ${objectId}`,
  };
}

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the API's JSON, checked field by field
  text: string;
}

/**
 * The workspace filter by name and GET /api/v1/workspaces, through the whole gateway over HTTP,
 * on a store whose workspace names the real trail projector folded.
 */
describe('workspace names over HTTP (real PostgreSQL)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    stack = await createTestStack('wsnamehttp');
    const db = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    await storeAuditEvents(db, [
      workspaceEvent('created', 'ws-1', 'Acme'),
      projectEvent('ws-1', 'p-1'),
      workspaceEvent('updated', 'ws-1', 'Acme Corp'),
      projectEvent('ws-1', 'p-2'),
      workspaceEvent('created', 'ws-2', 'Globex'),
      projectEvent('ws-2', 'p-3'),
      workspaceEvent('deleted', 'ws-2', 'Globex'),
      workspaceEvent('created', 'ws-3', 'Initech'),
      projectEvent('ws-3', 'p-4'),
      // a workspace named like another one's id
      workspaceEvent('created', 'ws-5', 'ws-3'),
      projectEvent('ws-5', 'p-5'),
      // never named
      projectEvent('ws-4', 'p-6'),
    ]);
    // the fixtures skip the fold: the trail projector folds them from the start
    await stack.query('TRUNCATE audit_event_search');
    await stack.query(`UPDATE projection_positions SET xact_id = '0', seq = 0`);
    const pg = new Client({ connectionString: stack.databaseUrl });
    await pg.connect();
    try {
      await projectTrailUntilCaughtUp(pg);
    } finally {
      await pg.end();
    }
    const store = apiKeyStoreOf(stack);
    const key = async (name: string, admin: boolean, workspaces: string[]) =>
      (keys[name] = (await store.create(name, { admin, workspaces }, 'test')).key);
    await key('admin', true, []);
    await key('ws1', false, ['ws-1']);
    await key('ws3', false, ['ws-3']);
    await key('ws4and1', false, ['ws-4', 'ws-1']);
    ({ app, base } = await startGatewayUnderTest(stack.env));
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function get(path: string, who: string, accept = 'application/json'): Promise<Answer> {
    const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': keys[who], accept } });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('application/json');
    return { status: res.status, body: json ? JSON.parse(text) : undefined, text };
  }
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  /** The projects of a page of events, with the workspace and its name each carries. */
  async function projects(params: Record<string, string>, who = 'admin'): Promise<string[]> {
    const { status, body } = await get(`/events?${q({ objectType: 'Project', ...params })}`, who);
    expect({ params, status }).toEqual({ params, status: 200 });
    return (body.events as Array<{ objectId: string; workspace: string; workspaceName: string | null }>)
      .map((e) => `${e.objectId}@${e.workspace}:${e.workspaceName}`)
      .sort();
  }

  /** Stores events after the start, the Workspace ones folded into the name projection by the projector's own writer. */
  async function storeNamed(events: FixtureEvent[]): Promise<void> {
    await storeAuditEvents({ query: (sql: string, params?: unknown[]) => stack.query(sql, params) }, events);
    const pg = new Client({ connectionString: stack.databaseUrl });
    await pg.connect();
    try {
      await projectWorkspaceNames(pg, events);
    } finally {
      await pg.end();
    }
  }

  it('filters by current name, former name or id, in any letter case, through the parameter and q alike', async () => {
    const ws1 = ['p-1@ws-1:Acme Corp', 'p-2@ws-1:Acme Corp'];
    expect(await projects({ workspace: 'Acme Corp' })).toEqual(ws1);
    expect(await projects({ workspace: '  aCME cORP ' })).toEqual(ws1);
    expect(await projects({ workspace: 'ACME' })).toEqual(ws1); // its former name
    expect(await projects({ workspace: 'ws-1' })).toEqual(ws1);
    expect(await projects({ q: 'workspace:"acme corp"' })).toEqual(ws1);
    expect(await projects({ q: 'workspace:globex workspace:initech' })).toEqual([
      'p-3@ws-2:Globex',
      'p-4@ws-3:Initech',
    ]);
    expect(await projects({ q: '-workspace:acme -workspace:globex -workspace:ws-3' })).toEqual(['p-6@ws-4:null']);
    // a deleted workspace keeps its name; a substring is no name
    expect(await projects({ workspace: 'globex' })).toEqual(['p-3@ws-2:Globex']);
    expect(await projects({ workspace: 'Acm' })).toEqual([]);
    expect(await projects({ workspace: 'no such workspace' })).toEqual([]);
    // an id and another workspace's name: both, for an admin
    expect(await projects({ workspace: 'ws-3' })).toEqual(['p-4@ws-3:Initech', 'p-5@ws-5:ws-3']);
    expect(await projects({}, 'admin')).toContain('p-6@ws-4:null');
  });

  it('keeps an owner or manager within their workspaces: another workspace’s name or an unknown one is a 403', async () => {
    expect(await projects({ workspace: 'acme' }, 'ws1')).toEqual(['p-1@ws-1:Acme Corp', 'p-2@ws-1:Acme Corp']);
    const refused: Array<Record<string, string>> = [
      { workspace: 'Globex' },
      { q: 'workspace:initech' },
      { workspace: 'no such workspace' },
    ];
    for (const params of refused) {
      const { status, body } = await get(`/events?${q(params)}`, 'ws1');
      expect({ params, status, code: body.code }).toEqual({ params, status: 403, code: 'QUERY.FORBIDDEN' });
    }
    expect((await get('/workspaces/Globex/events', 'ws1')).status).toBe(403);
    // their own id stays theirs, though another workspace bears it as its name
    expect(await projects({ workspace: 'ws-3' }, 'ws3')).toEqual(['p-4@ws-3:Initech']);
  });

  it('counts a workspace’s events per day by its name too, within the caller’s scope', async () => {
    const total = async (params: Record<string, string>, who: string) => {
      const { status, body } = await get(
        `/events/stats?${q({ from: '2026-10-01', to: '2026-10-02', ...params })}`,
        who,
      );
      return status === 200 ? (body.days as Array<{ total: number }>).reduce((sum, day) => sum + day.total, 0) : status;
    };
    expect(await total({ workspace: 'ACME' }, 'admin')).toBe(4);
    expect(await total({ workspace: 'ws-1' }, 'ws1')).toBe(4);
    expect(await total({ workspace: 'globex' }, 'ws1')).toBe(403);
  });

  it('gives every event view, the single event and the exports its workspace’s current name', async () => {
    const page = await get('/workspaces/ws-1/events?limit=1', 'ws1');
    expect(page.status).toBe(200);
    const [newest] = page.body.events;
    expect(newest).toMatchObject({ workspace: 'ws-1', workspaceName: 'Acme Corp' });
    expect((await get(`/events/${newest.id}`, 'ws1')).body).toMatchObject({ workspaceName: 'Acme Corp' });
    const ndjson = await get('/events/export?workspace=acme', 'ws1', 'application/x-ndjson');
    const lines = ndjson.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { workspaceName: string });
    expect(lines.map((line) => line.workspaceName)).toEqual(lines.map(() => 'Acme Corp'));
    expect(lines).toHaveLength(4);
    const csv = await get('/events/export?workspace=ws-4', 'admin', 'text/csv');
    const [header, row] = csv.text.split('\r\n');
    expect(header.endsWith(',"hash","workspaceName"')).toBe(true);
    expect(row.endsWith(',""')).toBe(true);
    const named = (await get('/events/export?workspace=initech', 'admin', 'text/csv')).text.split('\r\n');
    expect(named[1].endsWith(',"Initech"')).toBe(true);
  });

  it('lists the workspaces a caller may read, by name then id, narrowed by a prefix', async () => {
    const all = await get('/workspaces', 'admin');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      workspaces: [
        { id: 'ws-1', name: 'Acme Corp', deleted: false },
        { id: 'ws-2', name: 'Globex', deleted: true },
        { id: 'ws-3', name: 'Initech', deleted: false },
        { id: 'ws-5', name: 'ws-3', deleted: false },
      ],
    });
    const ids = async (path: string, who = 'admin') =>
      ((await get(path, who)).body.workspaces as Array<{ id: string }>).map((w) => w.id);
    expect(await ids('/workspaces?q=GL')).toEqual(['ws-2']);
    expect(await ids('/workspaces?q=ws-')).toEqual(['ws-1', 'ws-2', 'ws-3', 'ws-5']);
    expect(await ids('/workspaces?q=ws-3')).toEqual(['ws-3', 'ws-5']);
    expect(await ids('/workspaces?limit=2')).toEqual(['ws-1', 'ws-2']);
    expect(await ids('/workspaces?q=nothing')).toEqual([]);
    expect((await get('/workspaces', 'ws4and1')).body.workspaces).toEqual([
      { id: 'ws-1', name: 'Acme Corp', deleted: false },
      { id: 'ws-4', name: null, deleted: false },
    ]);
    expect(await ids('/workspaces?q=acme', 'ws4and1')).toEqual(['ws-1']);
    expect(await ids('/workspaces', 'ws1')).toEqual(['ws-1']);
  });

  it('refuses bad parameters of GET /api/v1/workspaces with a 400 naming them', async () => {
    for (const [query, parameter] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      [`q=${'x'.repeat(513)}`, 'q'],
      ['q=a&q=b', 'q'],
      ['workspace=ws-1', 'workspace'],
    ]) {
      const { status, body } = await get(`/workspaces?${query}`, 'admin');
      expect({ query, status, parameter: body.parameter }).toEqual({ query, status: 400, parameter });
    }
  });

  it('finds a workspace by a name as long as the contract lets a producer send (512 characters)', async () => {
    const long = `Long ${'\u6771'.repeat(507)}`;
    await storeNamed([workspaceEvent('created', 'ws-7', long), projectEvent('ws-7', 'p-8')]);
    expect(long).toHaveLength(512);
    expect(await projects({ workspace: long })).toEqual([`p-8@ws-7:${long}`]);
    expect(await projects({ q: `workspace:"${long}"` })).toEqual([`p-8@ws-7:${long}`]);
    expect(await projects({ objectName: long, objectType: 'Workspace' })).toEqual([`ws-7@ws-7:${long}`]);
    const { status, body } = await get(`/workspaces?${q({ q: long })}`, 'admin');
    expect({ status, workspaces: body.workspaces }).toEqual({
      status: 200,
      workspaces: [{ id: 'ws-7', name: long, deleted: false }],
    });
  });

  it('finds a name in either Unicode normalisation form, and answers with the name as it was sent', async () => {
    const composed = 'Caf\u00e9 Z\u00fcrich'; // NFC, as most systems send it
    const decomposed = 'Cafe\u0301 Zu\u0308rich'; // NFD, as macOS file names and some keyboards give it
    await storeNamed([workspaceEvent('created', 'ws-6', composed), projectEvent('ws-6', 'p-7')]);
    for (const value of [composed, decomposed, decomposed.toUpperCase()]) {
      expect({ value, found: await projects({ workspace: value }) }).toEqual({
        value,
        found: [`p-7@ws-6:${composed}`],
      });
    }
    for (const prefix of ['caf\u00e9', 'CAFE\u0301 z']) {
      const { body } = await get(`/workspaces?${q({ q: prefix })}`, 'admin');
      expect({ prefix, workspaces: body.workspaces }).toEqual({
        prefix,
        workspaces: [{ id: 'ws-6', name: composed, deleted: false }],
      });
    }
  });
});
