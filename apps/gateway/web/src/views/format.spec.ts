import { actorLabel, diffRows, eventLabel, formatTime } from './format';

describe('formatting events for the table', () => {
  it('shows times in UTC to the second', () => {
    expect(formatTime('2026-03-01T08:00:00.123456Z')).toBe('2026-03-01 08:00:00 UTC');
    expect(formatTime('not a time')).toBe('not a time');
  });

  it('labels the event by object type and name, else id', () => {
    expect(eventLabel({ objectType: 'Project', objectName: 'payments-prod', objectId: 'p-1' })).toBe(
      'Project payments-prod',
    );
    expect(eventLabel({ objectType: 'Tenant', objectName: null, objectId: 't-9' })).toBe('Tenant t-9');
  });

  it('shows the actor by name and id', () => {
    expect(actorLabel({ kind: 'user', id: 'u-1', name: 'Anna Admin' })).toBe('Anna Admin (u-1)');
    expect(actorLabel({ kind: 'system', id: 'billing', name: null })).toBe('billing');
    expect(actorLabel({ kind: 'user', id: 'jane', name: 'jane' })).toBe('jane');
  });

  it('turns the structured diff into rows of text', () => {
    expect(
      diffRows([
        { field: 'role', from: null, to: 'Workspace Manager' },
        { field: 'quota', from: 1, to: { cpu: 2 } },
        'junk',
      ]),
    ).toEqual([
      { field: 'role', from: '—', to: 'Workspace Manager' },
      { field: 'quota', from: '1', to: '{"cpu":2}' },
    ]);
    expect(diffRows(null)).toEqual([]);
  });
});
