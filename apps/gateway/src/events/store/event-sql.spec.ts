import { filterFromParams } from '../query/event-filter';
import {
  byIdQuery,
  countQuery,
  exportQuery,
  fanOutWorkspaces,
  likePattern,
  lineScanSpanQuery,
  pageQuery,
  spanSearchQuery,
  searchesWorkspaceIndex,
  testsWorkspaceIndexOnly,
  windowSampleQuery,
  workspaceTextPageQuery,
  windowedSearchQuery,
  type ReadScope,
} from './event-sql';

const manager: ReadScope = { all: false, workspaces: ['ws-1'] };
const twoWorkspaces: ReadScope = { all: false, workspaces: ['ws-1', 'ws-2'] };
const admin: ReadScope = { all: true };
const hostile = "x' OR 1=1; DROP TABLE audit_event_search; --";
const month = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-02-01T00:00:00Z') };

function placeholders(text: string): number[] {
  return [...new Set([...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

describe('event SQL', () => {
  it('binds every value as a parameter and never splices it into the text, on every query shape', () => {
    const filter = filterFromParams({
      objectName: hostile,
      actor: hostile,
      change: hostile,
      objectId: hostile,
      source: hostile,
      workspace: hostile,
      q: `"${hostile.replace(/"/g, '')}" -objectId:"${hostile}"`,
    });
    const after = { occurredUs: '1', seq: '2' };
    for (const scope of [manager, twoWorkspaces, admin]) {
      for (const query of [
        pageQuery(filter, scope, 50, after),
        countQuery(filter, scope),
        exportQuery(filter, scope),
        byIdQuery(hostile, scope),
        windowedSearchQuery(filter, scope, 50, after, 5000),
        windowSampleQuery(filter, scope, after, 5000),
        workspaceTextPageQuery(filter, scope, 50, after),
        spanSearchQuery(filter, scope, 51, after, month),
        spanSearchQuery(filter, scope, 51, after, month, new Map([[hostile.toLowerCase(), "x' or "]])),
        lineScanSpanQuery(filter, scope, 51, after, month),
      ]) {
        expect(query.text).not.toContain('DROP');
        expect(query.text).not.toContain("'x");
        expect(placeholders(query.text)).toEqual(query.values.map((_, i) => i + 1));
      }
    }
  });

  it('always restricts a scoped caller to its workspaces, on every query shape', () => {
    const filter = filterFromParams({ q: '-workspace:ws-1 landing' });
    for (const query of [
      pageQuery(filter, manager, 10),
      pageQuery(
        { ...filter, conditions: [...filter.conditions, { field: 'actor', values: ['jane'], negated: false }] },
        manager,
        10,
      ),
      countQuery(filter, manager),
      exportQuery(filter, manager),
      byIdQuery('e1', manager),
      windowedSearchQuery(filter, manager, 10, undefined, 5000),
      windowSampleQuery(filter, manager, undefined, 5000),
      spanSearchQuery(filter, manager, 10, undefined, month),
      lineScanSpanQuery(filter, manager, 10, undefined, month),
    ]) {
      expect(query.text).toMatch(/WHERE workspace = \$1\b/);
      expect(query.values[0]).toBe('ws-1');
    }
    for (const query of [countQuery(filter, twoWorkspaces), exportQuery(filter, twoWorkspaces)]) {
      expect(query.text).toMatch(/WHERE workspace = ANY\(\$1::text\[\]\)/);
      expect(query.values[0]).toEqual(['ws-1', 'ws-2']);
    }
  });

  it('puts no scope restriction on an admin', () => {
    const query = pageQuery(filterFromParams({}), admin, 10);
    expect(query.text).not.toContain('WHERE');
    expect(query.values).toEqual([11]);
  });

  it('orders newest first by the table columns with the keyset tie-breaker, one row more than the page', () => {
    const query = pageQuery(filterFromParams({ action: 'created' }), manager, 100, {
      occurredUs: '1767225600123456',
      seq: '7',
    });
    // qualified, since the select list's own `seq` is text
    expect(query.text).toContain('ORDER BY audit_event_search.occurred_at DESC, audit_event_search.seq DESC');
    expect(query.text).toContain(
      "(occurred_at, seq) < (('epoch'::timestamptz + $3::bigint * interval '1 microsecond'), $4::bigint)",
    );
    expect(query.values).toEqual(['ws-1', 'created', '1767225600123456', '7', 101]);
  });

  it('compares single values with = (so an index returns them in order) and several with ANY', () => {
    expect(pageQuery(filterFromParams({ objectType: 'project' }), admin, 5).text).toContain('object_type = $1');
    expect(pageQuery(filterFromParams({ q: 'type:project type:tenant' }), admin, 5).text).toContain(
      'object_type = ANY($1::text[])',
    );
  });

  it('negates with IS NOT TRUE so rows with NULL columns stay in', () => {
    const query = countQuery(filterFromParams({ q: '-workspace:ws-9' }), admin);
    expect(query.text).toContain('(workspace = $1) IS NOT TRUE');
  });

  it('matches actor and object name case-insensitively, and the change line as a lower-case substring', () => {
    const query = countQuery(
      filterFromParams({ actor: 'Jane@Example.com', objectName: 'Prod', change: 'Zone_1' }),
      admin,
    );
    expect(query.text).toContain('(actor_id = $2 OR lower(actor_name) = $3)');
    expect(query.text).toContain('lower(change) LIKE $4');
    expect(query.values).toEqual(['prod', 'Jane@Example.com', 'jane@example.com', '%zone\\_1%']);
  });
});

describe('pageQuery fan-out', () => {
  it('reads each workspace of a multi-workspace scope from its own index range, checks the list against the scope, and merges', () => {
    const scope: ReadScope = { all: false, workspaces: ['ws-2', 'ws-1'] };
    const query = pageQuery(filterFromParams({ action: 'deleted' }), scope, 20);
    expect(query.text).toContain('FROM unnest($1::text[]) AS fan(workspace)');
    expect(query.text).toContain('AND audit_event_search.workspace = fan.workspace');
    expect(query.text).toContain('WHERE fan.workspace = ANY($2::text[])');
    expect(query.text).toContain('ORDER BY page.occurred_us::bigint DESC, page.seq::bigint DESC');
    expect(query.values).toEqual([['ws-1', 'ws-2'], ['ws-2', 'ws-1'], 'deleted', 21]);
  });

  it('narrows the fan-out to the workspaces the filter insists on, and skips it for one', () => {
    const scope: ReadScope = { all: false, workspaces: ['ws-1', 'ws-2', 'ws-3'] };
    expect(fanOutWorkspaces(filterFromParams({ q: 'workspace:ws-1 workspace:ws-3' }), scope)).toEqual(['ws-1', 'ws-3']);
    expect(pageQuery(filterFromParams({ workspace: 'ws-2' }), scope, 5).text).not.toContain('unnest');
    expect(fanOutWorkspaces(filterFromParams({}), admin)).toBeUndefined();
    expect(fanOutWorkspaces(filterFromParams({ q: 'workspace:a workspace:b' }), admin)).toEqual(['a', 'b']);
  });
});

describe('pageQuery for one actor', () => {
  it('merges the newest rows by actor id and by actor name, each read in index order', () => {
    const query = pageQuery(filterFromParams({ actor: 'Jane@Example.com', action: 'deleted' }), manager, 10);
    expect(query.text).toContain('AND actor_id = $3');
    expect(query.text).toContain('AND lower(actor_name) = $4 AND actor_id IS DISTINCT FROM $3');
    expect(query.text).toContain('UNION ALL');
    expect(query.values).toEqual(['ws-1', 'deleted', 'Jane@Example.com', 'jane@example.com', 11]);
  });

  it('prepares only the shapes one index serves whatever the values', () => {
    const after = { occurredUs: '1767225600000000', seq: '42' };
    const prepared = [
      pageQuery(filterFromParams({}), admin, 10, after),
      pageQuery(filterFromParams({ workspace: 'ws-1', from: '2026-01-01' }), admin, 10),
      pageQuery(filterFromParams({}), manager, 10),
      pageQuery(filterFromParams({}), twoWorkspaces, 10),
      pageQuery(filterFromParams({ actor: 'jane' }), admin, 10),
      workspaceTextPageQuery(filterFromParams({ change: 'quota' }), twoWorkspaces, 10),
    ];
    for (const query of prepared) expect(query.prepared).toBe(true);
    // the values decide between indexes (or the trigram index's work), so each is planned for its own
    const planned = [
      pageQuery(filterFromParams({ workspace: 'ws-1', action: 'deleted' }), admin, 10),
      pageQuery(filterFromParams({ objectType: 'Project' }), twoWorkspaces, 10),
      pageQuery(filterFromParams({ q: '-workspace:ws-1' }), admin, 10),
      pageQuery(filterFromParams({ actor: 'jane' }), manager, 10),
      pageQuery(filterFromParams({ actor: 'jane', source: 'meshstack' }), admin, 10),
      windowedSearchQuery(filterFromParams({ change: 'quota' }), admin, 10, undefined, 1000),
      windowSampleQuery(filterFromParams({ change: 'quota' }), admin, undefined, 1000),
      spanSearchQuery(filterFromParams({ change: 'quota' }), admin, 10, undefined, month),
    ];
    for (const query of planned) expect(query.prepared).toBeFalsy();
  });
});

describe('text search pages', () => {
  it('reads a text search within known workspaces from the workspace index, the fan list checked against the scope', () => {
    const filter = filterFromParams({ change: 'Quota', from: '2026-01-01' });
    const query = workspaceTextPageQuery(filter, twoWorkspaces, 10);
    expect(query.text).toContain('WHERE fan.workspace = ANY($2::text[])');
    expect(query.text).toContain('SELECT occurred_at, seq FROM audit_event_search');
    expect(query.values.slice(0, 4)).toEqual([['ws-1', 'ws-2'], ['ws-1', 'ws-2'], '%quota%', new Date('2026-01-01')]);
    expect(searchesWorkspaceIndex(filter, twoWorkspaces)).toBe(true);
    expect(searchesWorkspaceIndex(filterFromParams({ change: 'quota', workspace: 'ws-9' }), admin)).toBe(true);
    // no workspace to read, or a filter on a column the index does not hold
    expect(searchesWorkspaceIndex(filter, admin)).toBe(false);
    expect(searchesWorkspaceIndex(filterFromParams({ change: 'quota', action: 'created' }), manager)).toBe(false);
  });

  it('searches the newest events of the window for the text first', () => {
    const query = windowedSearchQuery(
      filterFromParams({ change: 'Landing', action: 'created' }),
      admin,
      50,
      undefined,
      5000,
    );
    expect(query.text).toMatch(/LIMIT \$3\n\) audit_event_search\nWHERE lower\(change\) LIKE \$2/);
    expect(query.values).toEqual(['created', '%landing%', 5000, 51]);
  });

  it('then a span of months through the trigram index, ordered by an expression', () => {
    const query = spanSearchQuery(
      filterFromParams({ change: 'zone', from: '2026-01-15' }),
      admin,
      51,
      undefined,
      month,
    );
    expect(query.text).toContain("ORDER BY audit_event_search.occurred_at + interval '0 seconds' DESC");
    expect(query.values).toEqual(['%zone%', new Date('2026-01-15T00:00:00Z'), month.end, 51]);
  });

  it("searches a span open below back to the filter's start, or to the oldest month when there is none", () => {
    const bounded = spanSearchQuery(filterFromParams({ change: 'zone', from: '2025-03-02' }), admin, 51, undefined, {
      end: month.start,
    });
    expect(bounded.values).toEqual(['%zone%', new Date('2025-03-02T00:00:00Z'), month.start, 51]);
    const open = spanSearchQuery(filterFromParams({ change: 'zone' }), admin, 51, undefined, { end: month.start });
    expect(open.text).not.toContain('occurred_at >=');
    expect(open.values).toEqual(['%zone%', month.start, 51]);
  });

  it('asks the trigram index for the indexed part of a substring and checks the whole substring on its rows', () => {
    const query = spanSearchQuery(
      filterFromParams({ change: 'Landing Zone LZ-1234', q: '-"lz-12345"' }),
      admin,
      51,
      undefined,
      month,
      new Map([
        ['landing zone lz-1234', '-1234'],
        ['lz-12345', '12345'],
      ]),
    );
    expect(query.text).toContain('(lower(change) LIKE $1 AND strpos(lower(change), $2) > 0)');
    // a negated substring is a plain condition on the rows, never given a part
    expect(query.text).toContain('(lower(change) LIKE $3) IS NOT TRUE');
    expect(query.values.slice(0, 3)).toEqual(['%-1234%', 'landing zone lz-1234', '%lz-12345%']);
  });
});

describe('line-scan span search', () => {
  it('tests the substring where no index serves it, and the negated ones as usual, picking positions before rows', () => {
    const query = lineScanSpanQuery(filterFromParams({ change: 'ZZ', q: '-"zz top"' }), admin, 51, undefined, month);
    expect(query.text).toContain('strpos(lower(change), $1) > 0');
    expect(query.text).not.toMatch(/lower\(change\) LIKE \$1/);
    expect(query.text).toContain('(lower(change) LIKE $2) IS NOT TRUE');
    // the sort by an expression keeps the planner off the time index; only the page's rows are read whole
    expect(query.text).toMatch(
      /SELECT occurred_at, seq FROM audit_event_search\n[^]*ORDER BY audit_event_search.occurred_at \+ interval '0 seconds' DESC[^]*\) hits USING \(occurred_at, seq\)/,
    );
    expect(query.values).toEqual(['zz', '%zz top%', month.start, month.end, 51]);
  });

  it('serves only filters the workspace index can test', () => {
    expect(testsWorkspaceIndexOnly(filterFromParams({ change: 'zz', q: '-workspace:ws-1 kind:audit' }))).toBe(true);
    expect(testsWorkspaceIndexOnly(filterFromParams({ change: 'zz', objectType: 'Project' }))).toBe(false);
    expect(testsWorkspaceIndexOnly(filterFromParams({ change: 'zz', actor: 'jane' }))).toBe(false);
  });
});

describe('likePattern', () => {
  it('escapes LIKE wildcards so they match themselves', () => {
    expect(likePattern('100%_done\\')).toBe('%100\\%\\_done\\\\%');
  });
});
