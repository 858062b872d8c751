import { filterFromParams } from '../query/event-filter';
import {
  byIdQuery,
  countQuery,
  exportQuery,
  fanOutWorkspaces,
  likePattern,
  pageQuery,
  type ReadScope,
} from './event-sql';

const manager: ReadScope = { all: false, workspaces: ['ws-1'] };
const admin: ReadScope = { all: true };
const hostile = "x' OR 1=1; DROP TABLE audit_events; --";

function placeholders(text: string): number[] {
  return [...new Set([...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

describe('event SQL', () => {
  it('binds every value as a parameter and never splices it into the text', () => {
    const filter = filterFromParams({
      objectName: hostile,
      actor: hostile,
      change: hostile,
      objectId: hostile,
      source: hostile,
      workspace: hostile,
      q: `"${hostile.replace(/"/g, '')}" -objectId:"${hostile}"`,
    });
    for (const query of [
      pageQuery(filter, manager, 50, { occurredUs: '1', seq: '2' }),
      countQuery(filter, manager),
      exportQuery(filter, manager, 'csv'),
      byIdQuery(hostile, manager),
    ]) {
      expect(query.text).not.toContain('DROP');
      expect(query.text).not.toContain("'x");
      expect(placeholders(query.text)).toEqual(query.values.map((_, i) => i + 1));
    }
  });

  it('always restricts a scoped caller to its workspaces, on every query shape', () => {
    const filter = filterFromParams({ q: '-workspace:ws-1' });
    for (const query of [
      pageQuery(filter, manager, 10),
      countQuery(filter, manager),
      exportQuery(filter, manager, 'csv'),
      byIdQuery('e1', manager),
    ]) {
      expect(query.text).toMatch(/WHERE workspace = ANY\(\$1::text\[\]\)/);
      expect(query.values[0]).toEqual(['ws-1']);
    }
  });

  it('puts no scope restriction on an admin', () => {
    const query = pageQuery(filterFromParams({}), admin, 10);
    expect(query.text).not.toContain('WHERE');
    expect(query.values).toEqual([11]);
  });

  it('orders newest first with the keyset tie-breaker and asks for one row more than the page', () => {
    const query = pageQuery(filterFromParams({ action: 'created' }), manager, 100, {
      occurredUs: '1767225600123456',
      seq: '7',
    });
    expect(query.text).toContain('ORDER BY occurred_at DESC, seq DESC');
    expect(query.text).toContain(
      "(occurred_at, seq) < (('epoch'::timestamptz + $3::bigint * interval '1 microsecond'), $4::bigint)",
    );
    expect(query.values).toEqual([['ws-1'], ['created'], '1767225600123456', '7', 101]);
  });

  it('negates with IS NOT TRUE so rows with NULL columns stay in', () => {
    const query = countQuery(filterFromParams({ q: '-workspace:ws-9' }), admin);
    expect(query.text).toContain('(workspace = ANY($1::text[])) IS NOT TRUE');
  });

  it('matches actor and object name case-insensitively', () => {
    const query = countQuery(filterFromParams({ actor: 'Jane@Example.com', objectName: 'Prod' }), admin);
    expect(query.values).toEqual([['prod'], ['Jane@Example.com'], ['jane@example.com']]);
  });
});

describe('pageQuery fan-out', () => {
  it('reads each workspace of a multi-workspace scope from its own index range and merges', () => {
    const scope: ReadScope = { all: false, workspaces: ['ws-2', 'ws-1'] };
    const query = pageQuery(filterFromParams({ action: 'deleted' }), scope, 20);
    expect(query.text).toContain('FROM unnest($3::text[]) AS fan(workspace)');
    expect(query.text).toContain('AND audit_events.workspace = fan.workspace');
    expect(query.values).toEqual([['ws-2', 'ws-1'], ['deleted'], ['ws-1', 'ws-2'], 21]);
  });

  it('narrows the fan-out to the workspaces the filter insists on, and skips it for one', () => {
    const scope: ReadScope = { all: false, workspaces: ['ws-1', 'ws-2', 'ws-3'] };
    expect(fanOutWorkspaces(filterFromParams({ q: 'workspace:ws-1 workspace:ws-3' }), scope)).toEqual(['ws-1', 'ws-3']);
    expect(pageQuery(filterFromParams({ workspace: 'ws-2' }), scope, 5).text).not.toContain('unnest');
    expect(fanOutWorkspaces(filterFromParams({}), admin)).toBeUndefined();
    expect(fanOutWorkspaces(filterFromParams({ q: 'workspace:a workspace:b' }), admin)).toEqual(['a', 'b']);
  });
});

describe('likePattern', () => {
  it('escapes LIKE wildcards so they match themselves', () => {
    expect(likePattern('100%_done\\')).toBe('%100\\%\\_done\\\\%');
  });
});
