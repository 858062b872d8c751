/** Who is calling: a person signed in with the identity provider, or a machine holding an API key. */
export interface Principal {
  kind: 'user' | 'apiKey';
  /** The token's subject, or the API key's id. */
  id: string;
  /** What logs and audit events show: the user's name, or the API key's name. */
  name: string;
  /** Platform admins (and admin-scoped keys) see every workspace and the global events. */
  admin: boolean;
  /** The workspaces whose events this principal may read (owner or manager, or a key's scope). */
  workspaces: readonly string[];
  /** May create and revoke API keys: platform admins, and keys with the key-management scope. */
  manageKeys?: boolean;
  /** When an API key stops working; a key never mints one that outlives it. */
  expiresAt?: Date;
}

/** True when the principal may read events of `workspace` (null: a global event, admins only). */
export function canReadWorkspace(principal: Principal, workspace: string | null): boolean {
  if (principal.admin) return true;
  return workspace !== null && principal.workspaces.includes(workspace);
}
