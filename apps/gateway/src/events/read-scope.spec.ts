import { ApiError } from '@meshtrail/auth';
import { filterFromParams } from './query/event-filter';
import { resolveWorkspaces, workspaceValues } from './read-scope';
import type { ReadScope } from './store/event-sql';

// "acme" names ws-1 (now) and ws-9 (formerly); "ws-3" is ws-3's id and ws-5's name
const named = new Map([
  ['acme', ['acme', 'ws-1', 'ws-9']],
  ['ws-3', ['ws-3', 'ws-5']],
  ['nothing', ['nothing']],
]);
const admin: ReadScope = { all: true };
const manager: ReadScope = { all: false, workspaces: ['ws-1', 'ws-3'] };

const workspaceConditions = (q: string, scope: ReadScope) =>
  resolveWorkspaces(filterFromParams({ q }), named, scope)
    .conditions.filter((c) => c.field === 'workspace')
    .map((c) => `${c.negated ? '-' : ''}${c.values.join('|')}`);

function refusal(q: string, scope: ReadScope): unknown {
  try {
    resolveWorkspaces(filterFromParams({ q }), named, scope);
  } catch (error) {
    if (error instanceof ApiError) return { status: error.getStatus(), body: error.getResponse() };
  }
  return undefined;
}

describe('resolveWorkspaces (a workspace filter by id or name, within the scope)', () => {
  it('given an admin, widens each value to every workspace it names, negations too', () => {
    expect(workspaceConditions('workspace:acme workspace:ws-3 -workspace:acme', admin)).toEqual([
      '-acme|ws-1|ws-9',
      'acme|ws-1|ws-9|ws-3|ws-5',
    ]);
    expect(workspaceConditions('workspace:nothing', admin)).toEqual(['nothing']);
  });

  it('given a manager, narrows a value to their workspaces: their id stays theirs though another workspace bears it as a name', () => {
    expect(workspaceConditions('workspace:acme', manager)).toEqual(['ws-1']);
    expect(workspaceConditions('workspace:ws-3', manager)).toEqual(['ws-3']);
    expect(workspaceConditions('-workspace:acme', manager)).toEqual(['-acme|ws-1|ws-9']);
  });

  it('given a manager and a value naming none of their workspaces, refuses with 403 naming it, known or not', () => {
    for (const q of ['workspace:ws-9', 'workspace:nothing', 'workspace:acme workspace:nothing']) {
      expect(refusal(q, manager)).toMatchObject({
        status: 403,
        body: { code: 'QUERY.FORBIDDEN', workspaces: q.endsWith('ws-9') ? ['ws-9'] : ['nothing'] },
      });
    }
  });

  it('lists the values to resolve once each, from parameters and q alike', () => {
    const filter = filterFromParams({ workspace: 'acme', q: 'workspace:acme -workspace:ws-3 action:created' });
    expect(workspaceValues(filter).sort()).toEqual(['acme', 'ws-3']);
  });
});
