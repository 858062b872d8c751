import { foldEvents, type ProjectedEvent } from './projection-delta';

let seq = 0;
const at = new Date('2026-11-01T00:00:00Z');
function event(
  objectType: string,
  action: string,
  objectId: string,
  workspace?: string,
  role?: string,
  fromGrantsTopic = objectType === 'WorkspaceAccess',
): ProjectedEvent {
  const changes = role ? [{ field: 'role', ...(action === 'granted' ? { to: role } : { from: role }) }] : [];
  return { seq: ++seq, occurredAt: at, objectType, objectId, action, workspace, changes, fromGrantsTopic };
}

describe('foldEvents (the projections)', () => {
  it('given grants and revokes, keeps only the memberships still in force', () => {
    const delta = foldEvents([
      event('WorkspaceAccess', 'granted', 'jane', 'acme', 'Workspace Manager'),
      event('WorkspaceAccess', 'granted', 'bob', 'acme', 'Workspace Member'),
      event('WorkspaceAccess', 'revoked', 'bob', 'acme', 'Workspace Member'),
      event('WorkspaceAccess', 'granted', 'joe', 'acme', 'Workspace Owner'),
    ]);
    expect([...delta.grants.values()].map((g) => [g.userId, g.role])).toEqual([
      ['jane', 'Workspace Manager'],
      ['joe', 'Workspace Owner'],
    ]);
    expect([...delta.revokes.values()]).toEqual([{ workspace: 'acme', userId: 'bob', role: 'Workspace Member' }]);
  });

  it('given grants and revokes from outside the grants topic, changes no membership', () => {
    const delta = foldEvents([
      event('WorkspaceAccess', 'granted', 'jane', 'acme', 'Workspace Manager'),
      event('WorkspaceAccess', 'granted', 'mallory', 'acme', 'Workspace Owner', false),
      event('WorkspaceAccess', 'revoked', 'jane', 'acme', 'Workspace Manager', false),
    ]);
    expect([...delta.grants.values()].map((g) => [g.userId, g.role])).toEqual([['jane', 'Workspace Manager']]);
    expect(delta.revokes.size).toBe(0);
  });

  it('given a user or workspace deleted, ends their earlier memberships but not later ones', () => {
    const delta = foldEvents([
      event('WorkspaceAccess', 'granted', 'jane', 'acme', 'Workspace Manager'),
      event('WorkspaceAccess', 'granted', 'jane', 'globex', 'Workspace Member'),
      event('User', 'deleted', 'jane'),
      event('WorkspaceAccess', 'granted', 'jane', 'initech', 'Workspace Member'),
      event('WorkspaceAccess', 'granted', 'bob', 'globex', 'Workspace Member'),
      event('Workspace', 'deleted', 'globex', 'globex'),
    ]);
    expect([...delta.grants.values()].map((g) => `${g.workspace}/${g.userId}`)).toEqual(['initech/jane']);
    expect(delta.usersDeleted.get('jane')).toBeDefined();
    expect(delta.workspacesDeleted.get('globex')).toBeDefined();
  });

  it('given created and deleted objects, tells which exist at the end', () => {
    const delta = foldEvents([
      event('Project', 'created', 'p1', 'acme'),
      event('Project', 'created', 'p2', 'acme'),
      event('Project', 'deleted', 'p1', 'acme'),
      event('Project', 'updated', 'p3', 'acme'),
      event('Tenant', 'created', 't1', 'acme'),
    ]);
    expect([...delta.objects.values()]).toEqual([
      { objectType: 'Project', objectId: 'p1', exists: false },
      { objectType: 'Project', objectId: 'p2', exists: true },
      { objectType: 'Tenant', objectId: 't1', exists: true },
    ]);
  });
});
