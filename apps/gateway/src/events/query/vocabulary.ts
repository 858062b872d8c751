/**
 * The audit vocabulary as people type it: canonical actions with their aliases, and object types
 * in any letter case.
 */
export const ACTIONS = ['created', 'updated', 'deleted', 'runs_requested', 'granted', 'revoked'] as const;

const ACTION_ALIASES: Record<string, (typeof ACTIONS)[number]> = {
  add: 'created',
  create: 'created',
  change: 'updated',
  update: 'updated',
  remove: 'deleted',
  delete: 'deleted',
  grant: 'granted',
  revoke: 'revoked',
  run: 'runs_requested',
  'runs-requested': 'runs_requested',
};

export const OBJECT_TYPES = [
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
] as const;

export function canonicalAction(value: string): string | undefined {
  const lower = value.toLowerCase();
  if ((ACTIONS as readonly string[]).includes(lower)) return lower;
  return ACTION_ALIASES[lower];
}

const OBJECT_TYPES_BY_LOWER = new Map(OBJECT_TYPES.map((t) => [t.toLowerCase(), t as string]));

export function canonicalObjectType(value: string): string | undefined {
  return OBJECT_TYPES_BY_LOWER.get(value.toLowerCase());
}
