/** How a verified token's claims map to meshtrail roles (all of it configuration). */
export interface ClaimMapping {
  /** Dotted paths of claims holding role or group names, e.g. `realm_access.roles`, `groups`. */
  roleClaims: readonly string[];
  /** The role that makes a platform admin. */
  adminRole: string;
  /** Matches a role naming a workspace role: named group `workspace`, optional named group `role`. */
  workspaceRolePattern: RegExp;
  /** Claims tried in order for the display name. */
  nameClaims: readonly string[];
}

/** The workspace roles that may read a workspace's events. */
export const READING_WORKSPACE_ROLES = ['owner', 'manager'] as const;
export type WorkspaceRole = (typeof READING_WORKSPACE_ROLES)[number];

export interface ClaimRoles {
  admin: boolean;
  /** workspace id → the reading roles the token grants there. */
  workspaces: Map<string, WorkspaceRole[]>;
}

/** The strings at a dotted claim path: a string, or the strings of an array; nothing otherwise. */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let node: unknown = claims;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
    node = (node as Record<string, unknown>)[segment];
  }
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.filter((value): value is string => typeof value === 'string');
  return [];
}

/** "Workspace Managers", "workspace_owner", "managers" → "manager"; undefined when not a reading role. */
export function normaliseWorkspaceRole(raw: string): WorkspaceRole | undefined {
  const role = raw
    .toLowerCase()
    .replace(/^workspace[\s_-]*/, '')
    .replace(/s$/, '');
  return (READING_WORKSPACE_ROLES as readonly string[]).includes(role) ? (role as WorkspaceRole) : undefined;
}

/** Admin flag and workspace roles carried by the token. */
export function rolesFromClaims(claims: Record<string, unknown>, mapping: ClaimMapping): ClaimRoles {
  const roles = mapping.roleClaims.flatMap((path) => claimValues(claims, path));
  const workspaces = new Map<string, WorkspaceRole[]>();
  for (const value of roles) {
    const match = mapping.workspaceRolePattern.exec(value);
    const workspace = match?.groups?.workspace;
    if (!workspace) continue;
    const rawRole = match.groups?.role;
    // a pattern without a role group names reading memberships only
    const role = rawRole === undefined ? 'manager' : normaliseWorkspaceRole(rawRole);
    if (!role) continue;
    const held = workspaces.get(workspace) ?? [];
    if (!held.includes(role)) held.push(role);
    workspaces.set(workspace, held);
  }
  return { admin: roles.includes(mapping.adminRole), workspaces };
}

/** The display name: the first non-empty configured claim, else the subject. */
export function displayNameFromClaims(claims: Record<string, unknown>, mapping: ClaimMapping): string {
  for (const path of mapping.nameClaims) {
    const [value] = claimValues(claims, path);
    if (value && value.trim()) return value.trim();
  }
  return typeof claims.sub === 'string' ? claims.sub : 'unknown';
}
