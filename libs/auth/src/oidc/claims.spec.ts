import {
  claimValues,
  displayNameFromClaims,
  normaliseWorkspaceRole,
  rolesFromClaims,
  type ClaimMapping,
} from './claims';

const keycloakToken = {
  sub: '5b1c-user',
  preferred_username: 'jane',
  email: 'jane@example.com',
  realm_access: { roles: ['offline_access', 'meshtrail-admin'] },
  resource_access: {
    meshtrail: { roles: ['workspace:ws-1:manager', 'workspace:ws-2:owner', 'workspace:ws-3:member'] },
  },
  groups: ['/workspaces/ws-9/managers', '/other'],
};

const mapping: ClaimMapping = {
  roleClaims: ['realm_access.roles', 'resource_access.meshtrail.roles'],
  adminRole: 'meshtrail-admin',
  workspaceRolePattern: /^workspace:(?<workspace>[^:]+):(?<role>[a-z]+)$/,
  nameClaims: ['preferred_username', 'email'],
};

describe('claimValues', () => {
  it('follows dotted paths into nested objects and returns the strings found', () => {
    expect(claimValues(keycloakToken, 'realm_access.roles')).toEqual(['offline_access', 'meshtrail-admin']);
    expect(claimValues(keycloakToken, 'resource_access.meshtrail.roles')).toHaveLength(3);
    expect(claimValues(keycloakToken, 'email')).toEqual(['jane@example.com']);
  });

  it('returns nothing for missing paths, non-string leaves and paths through arrays', () => {
    expect(claimValues(keycloakToken, 'resource_access.other.roles')).toEqual([]);
    expect(claimValues(keycloakToken, 'realm_access')).toEqual([]);
    expect(claimValues(keycloakToken, 'groups.0')).toEqual([]);
    expect(claimValues({ roles: ['a', 7, null, 'b'] }, 'roles')).toEqual(['a', 'b']);
  });
});

describe('rolesFromClaims', () => {
  it('finds the admin role and the reading workspace roles, ignoring other roles', () => {
    const roles = rolesFromClaims(keycloakToken, mapping);
    expect(roles.admin).toBe(true);
    expect([...roles.workspaces]).toEqual([
      ['ws-1', ['manager']],
      ['ws-2', ['owner']],
    ]);
  });

  it('reads Keycloak groups with a group-shaped pattern', () => {
    const roles = rolesFromClaims(keycloakToken, {
      ...mapping,
      roleClaims: ['groups'],
      workspaceRolePattern: /^\/workspaces\/(?<workspace>[^/]+)\/(?<role>[^/]+)$/,
    });
    expect(roles.admin).toBe(false);
    expect([...roles.workspaces]).toEqual([['ws-9', ['manager']]]);
  });

  it('treats a pattern without a role group as naming reading memberships', () => {
    const roles = rolesFromClaims(
      { groups: ['ws-admins-a', 'ws-admins-b', 'staff'] },
      { ...mapping, roleClaims: ['groups'], workspaceRolePattern: /^ws-admins-(?<workspace>.+)$/ },
    );
    expect([...roles.workspaces.keys()]).toEqual(['a', 'b']);
  });

  it('grants nothing to a token without role claims', () => {
    expect(rolesFromClaims({ sub: 'x' }, mapping)).toEqual({ admin: false, workspaces: new Map() });
  });
});

describe('normaliseWorkspaceRole', () => {
  it.each([
    ['manager', 'manager'],
    ['Managers', 'manager'],
    ['Workspace Owner', 'owner'],
    ['workspace_manager', 'manager'],
    ['member', undefined],
    ['administrator', undefined],
  ])('%s → %s', (raw, expected) => expect(normaliseWorkspaceRole(raw)).toBe(expected));
});

describe('displayNameFromClaims', () => {
  it('takes the first configured claim present, else the subject', () => {
    expect(displayNameFromClaims(keycloakToken, mapping)).toBe('jane');
    expect(displayNameFromClaims({ sub: 's', email: 'e@x' }, mapping)).toBe('e@x');
    expect(displayNameFromClaims({ sub: 's' }, mapping)).toBe('s');
  });
});
