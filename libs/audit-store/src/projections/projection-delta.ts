/** What the projections need to know of one stored event, in ingestion (seq) order. */
export interface ProjectedEvent {
  seq: number;
  occurredAt: Date;
  objectType: string;
  objectId: string;
  action: string;
  workspace?: string | null;
  changes?: ReadonlyArray<{ field: string; from?: unknown; to?: unknown }> | null;
  /** Read from access.grants.v1, which only the identity components may write. */
  fromGrantsTopic: boolean;
}

export interface Membership {
  workspace: string;
  userId: string;
  role: string;
  /** When the grant in force was made. */
  since: Date;
  grantedSeq: number;
}

/** The net effect of a run of events on the projections; applied in one go (set-based). */
export interface ProjectionDelta {
  /** Memberships granted and still in force at the end of the run. */
  grants: Map<string, Membership>;
  /** Memberships revoked (and not granted again) in the run. */
  revokes: Map<string, Pick<Membership, 'workspace' | 'userId' | 'role'>>;
  /** Users deleted, with the seq of the deletion: their earlier memberships end. */
  usersDeleted: Map<string, number>;
  /** Workspaces deleted, likewise. */
  workspacesDeleted: Map<string, number>;
  /** Objects whose existence the run decided: true = exists (created last), false = deleted last. */
  objects: Map<string, { objectType: string; objectId: string; exists: boolean }>;
}

export function emptyDelta(): ProjectionDelta {
  return {
    grants: new Map(),
    revokes: new Map(),
    usersDeleted: new Map(),
    workspacesDeleted: new Map(),
    objects: new Map(),
  };
}

const membershipKey = (workspace: string, userId: string, role: string) => JSON.stringify([workspace, userId, role]);

function roleOf(event: ProjectedEvent, side: 'from' | 'to'): string | undefined {
  const value = event.changes?.find((entry) => entry.field === 'role')?.[side];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Folds events (in seq order) into the delta: the projections' evolve function. Workspace
 * memberships follow WorkspaceAccess granted/revoked read from the grants topic (user = objectId,
 * role from the "role" change); one from anywhere else (stored before audit-ingest refused them)
 * grants and revokes nothing. Deleting a user or a workspace ends its memberships. Objects exist from their last
 * "created" until a later "deleted".
 */
export function foldEvents(events: Iterable<ProjectedEvent>, delta: ProjectionDelta = emptyDelta()): ProjectionDelta {
  for (const event of events) {
    if (event.objectType === 'WorkspaceAccess' && event.workspace && event.fromGrantsTopic) {
      if (event.action === 'granted') {
        const role = roleOf(event, 'to');
        if (role) {
          const key = membershipKey(event.workspace, event.objectId, role);
          delta.revokes.delete(key);
          delta.grants.set(key, {
            workspace: event.workspace,
            userId: event.objectId,
            role,
            since: event.occurredAt,
            grantedSeq: event.seq,
          });
        }
      } else if (event.action === 'revoked') {
        const role = roleOf(event, 'from');
        if (role) {
          const key = membershipKey(event.workspace, event.objectId, role);
          delta.grants.delete(key);
          delta.revokes.set(key, { workspace: event.workspace, userId: event.objectId, role });
        }
      }
    } else if (event.action === 'deleted' && (event.objectType === 'User' || event.objectType === 'Workspace')) {
      const byUser = event.objectType === 'User';
      (byUser ? delta.usersDeleted : delta.workspacesDeleted).set(event.objectId, event.seq);
      for (const [key, grant] of delta.grants) {
        if ((byUser ? grant.userId : grant.workspace) === event.objectId) delta.grants.delete(key);
      }
    }
    if (event.action === 'created' || event.action === 'deleted') {
      delta.objects.set(JSON.stringify([event.objectType, event.objectId]), {
        objectType: event.objectType,
        objectId: event.objectId,
        exists: event.action === 'created',
      });
    }
  }
  return delta;
}
