/**
 * The words of the audit trail: which objects it knows and what can happen to them. Producers
 * may type the common aliases ("add", "remove", "project"); the trail stores the canonical form.
 */
export const OBJECT_TYPES = [
  // meshObjects
  'Workspace',
  'Project',
  'ProjectRole',
  'LandingZone',
  'PlatformInstance',
  'Tenant',
  'TagDefinition',
  'User',
  'BuildingBlock',
  'BuildingBlockDefinition',
  'OsbServiceInstance',
  'OsbServiceBinding',
  'CopilotSystemPrompt',
  'PaymentMethod',
  'AdminSettings',
  // administrative and security events
  /** A user's role in a workspace, granted or revoked (objectId: the user; the role in changes). */
  'WorkspaceAccess',
  /** A user's role in a project, granted or revoked (objectId: the user; the role in changes). */
  'ProjectAccess',
  /** A user's platform role changed. */
  'UserRole',
  'ProjectQuota',
  /** Financial information of a project (cost centre, budget, payment method) changed. */
  'ProjectFinancials',
  /** A customer's status changed (disabled, verified). */
  'CustomerStatus',
  /** A message sent to a customer. */
  'CustomerMessage',
  /** An administrator assigned themselves to (or left) a customer. */
  'CustomerAssignment',
  /** The audit log itself: reading it is audited (action viewed, the filters in changes). */
  'AuditLog',
  /** A kind of stored data pruned by its retention policy (RetentionEnforced: action deleted). */
  'RetentionPolicy',
  /** A workspace's data held beyond retention (LegalHoldPlaced: created; LegalHoldReleased: deleted). */
  'LegalHold',
  /** Records meshtrail could not store, replayed to their source topics (action updated; global). */
  'DeadLetter',
  /** A meshtrail API key (ApiKeyCreated: created; ApiKeyRevoked: revoked; global, admins only). */
  'ApiKey',
  /** A meshtrail service's effective settings changed (updated; the diff in changes; global). */
  'ServiceSettings',
] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export const ACTIONS = ['created', 'updated', 'deleted', 'runs_requested', 'granted', 'revoked', 'viewed'] as const;
export type AuditAction = (typeof ACTIONS)[number];

const ACTION_ALIASES: Record<string, AuditAction> = {
  add: 'created',
  added: 'created',
  create: 'created',
  change: 'updated',
  changed: 'updated',
  update: 'updated',
  remove: 'deleted',
  removed: 'deleted',
  delete: 'deleted',
  run_requested: 'runs_requested',
  grant: 'granted',
  revoke: 'revoked',
};

export const ACTOR_KINDS = ['user', 'apiKey', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * Objects that always live inside a workspace: their events must name it, or a workspace
 * owner querying their trail would silently miss them.
 */
export const WORKSPACE_SCOPED_TYPES: ReadonlySet<ObjectType> = new Set<ObjectType>([
  'Workspace',
  'Project',
  'ProjectRole',
  'Tenant',
  'BuildingBlock',
  'OsbServiceInstance',
  'OsbServiceBinding',
  'WorkspaceAccess',
  'ProjectAccess',
  'ProjectQuota',
  'ProjectFinancials',
]);

const OBJECT_TYPE_BY_LOWER = new Map<string, ObjectType>(OBJECT_TYPES.map((type) => [type.toLowerCase(), type]));

/** The canonical object type for a name in any letter case ("project" → "Project"), or undefined. */
export function normaliseObjectType(name: unknown): ObjectType | undefined {
  return typeof name === 'string' ? OBJECT_TYPE_BY_LOWER.get(name.trim().toLowerCase()) : undefined;
}

/** The canonical action for an action or one of its aliases ("add" → "created"), or undefined. */
export function normaliseAction(name: unknown): AuditAction | undefined {
  if (typeof name !== 'string') return undefined;
  const lower = name.trim().toLowerCase();
  if ((ACTIONS as readonly string[]).includes(lower)) return lower as AuditAction;
  return ACTION_ALIASES[lower];
}
