import { ApiError } from '@meshtrail/auth';
import { canonicalFilter, filterFromParams, filterFromQuery } from './event-filter';

function badRequest(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) {
      expect(error.getStatus()).toBe(400);
      return error.getResponse() as Record<string, unknown>;
    }
    throw error;
  }
  throw new Error('expected a 400');
}

describe('filterFromQuery', () => {
  it('turns the issue example into conditions and a time bound', () => {
    const filter = filterFromQuery(
      'action:deleted objectType:Project workspace:ws-1 actor:jane created:>=2026-01-01 "landing zone"',
    );
    expect(filter.from).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(filter.to).toBeUndefined();
    expect(filter.conditions).toEqual(
      expect.arrayContaining([
        { field: 'action', values: ['deleted'], negated: false },
        { field: 'objectType', values: ['Project'], negated: false },
        { field: 'workspace', values: ['ws-1'], negated: false },
        { field: 'actor', values: ['jane'], negated: false },
        { field: 'change', values: ['landing zone'], negated: false },
      ]),
    );
    expect(filter.conditions).toHaveLength(5);
  });

  it('ORs repeated qualifiers, keeps text terms and negations as separate conditions', () => {
    const filter = filterFromQuery('action:add action:remove -workspace:ws-2 quota "landing zone" -test');
    expect(filter.conditions).toEqual([
      { field: 'workspace', values: ['ws-2'], negated: true },
      { field: 'change', values: ['quota'], negated: false },
      { field: 'change', values: ['landing zone'], negated: false },
      { field: 'change', values: ['test'], negated: true },
      { field: 'action', values: ['created', 'deleted'], negated: false },
    ]);
  });

  it('canonicalises action aliases and object type case', () => {
    const filter = filterFromQuery('action:CHANGE objectType:landingzone');
    expect(filter.conditions.map((c) => c.values[0])).toEqual(['updated', 'LandingZone']);
  });

  it('intersects created ranges', () => {
    const filter = filterFromQuery('created:>=2026-01-01 created:<2026-02-01 created:2026-01-10..2026-03-01');
    expect(filter).toMatchObject({ from: new Date('2026-01-10T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') });
  });

  it.each([
    ['action:exploded', 'q: unknown action "exploded" (at position 7)', 7],
    ['objectType:Spaceship', 'q: unknown object type "Spaceship" (at position 11)', 11],
    ['created:>=tomorrow', 'q: created: "tomorrow" is not an ISO 8601 date or date-time (at position 8)', 8],
    ['-created:>2026-01-01', 'q: created: cannot be negated; use < or > (at position 0)', 0],
    [
      'colour:red',
      'q: unknown qualifier "colour" (known: workspace, objectType, objectId, objectName, action, actor, change, source, kind, created) (at position 0)',
      0,
    ],
  ])('refuses %j with the parameter and the position', (q, message, position) => {
    expect(badRequest(() => filterFromQuery(q))).toMatchObject({
      code: 'QUERY.INVALID_PARAMETER',
      parameter: 'q',
      message,
      position,
    });
  });
});

describe('filterFromParams', () => {
  it('ANDs every REST parameter with q', () => {
    const filter = filterFromParams({ action: 'delete', workspace: 'ws-1', q: 'action:created', from: '2026-01-01' });
    expect(filter.conditions).toEqual([
      { field: 'workspace', values: ['ws-1'], negated: false },
      { field: 'action', values: ['deleted'], negated: false },
      { field: 'action', values: ['created'], negated: false },
    ]);
    expect(filter.from).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('names the parameter that is wrong', () => {
    expect(badRequest(() => filterFromParams({ from: 'last tuesday' }))).toMatchObject({ parameter: 'from' });
    expect(badRequest(() => filterFromParams({ to: '2026-02-30' }))).toMatchObject({ parameter: 'to' });
    expect(badRequest(() => filterFromParams({ action: 'explode' }))).toMatchObject({ parameter: 'action' });
    expect(badRequest(() => filterFromParams({ objectId: '  ' }))).toMatchObject({ parameter: 'objectId' });
    expect(badRequest(() => filterFromParams({ change: 'x'.repeat(513) }))).toMatchObject({ parameter: 'change' });
  });

  it('keeps values that look like SQL as values', () => {
    const filter = filterFromParams({ objectName: "'; DROP TABLE audit_events; --" });
    expect(filter.conditions[0].values).toEqual(["'; DROP TABLE audit_events; --"]);
  });
});

describe('canonicalFilter', () => {
  it('is the same for the same conditions in any order, and differs otherwise', () => {
    const a = canonicalFilter(filterFromQuery('action:created workspace:ws-1'));
    expect(canonicalFilter(filterFromQuery('workspace:ws-1 action:add'))).toBe(a);
    expect(canonicalFilter(filterFromQuery('workspace:ws-2 action:add'))).not.toBe(a);
  });
});
