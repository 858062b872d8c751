import { createHash } from 'node:crypto';
/** What the projections need to know of one stored event, in ingestion (seq) order. */
export interface ProjectedEvent {
  seq: number;
  occurredAt: Date;
  objectType: string;
  objectId: string;
  action: string;
  workspace?: string | null;
  /** Read for Workspace events only (their name). */
  objectName?: string | null;
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
  /** Workspaces whose name or deletion the run changed, by workspace id. */
  workspaces: Map<string, WorkspaceNameChange>;
  /** Every name a workspace was given in the run, by JSON [workspace, key]: former names still find it. */
  workspaceNamesHeld: Map<string, { workspace: string; name: string; key: string }>;
}

/** What a run decided about one workspace's entry in workspace_names. */
export interface WorkspaceNameChange {
  /** The name it holds after the run (created/updated), or only a fallback for none known (deleted). */
  name: string | null;
  /** True when `name` replaces the current one; false when it only fills in a missing one. */
  renamed: boolean;
  /** true: deleted last; false: created after; null: the run did not say. */
  deleted: boolean | null;
}

/**
 * The form a workspace name is matched in: without outer blanks, letter case folded (upper then
 * lower, so that "ß", "SS" and "ss", or "K" and the Kelvin sign, meet), in Unicode's composed form
 * NFC (before and after folding, which may decompose), so that "é" as one character or as "e" and
 * a combining accent meet. The name itself is kept as it was sent. Any letter case and either
 * normalisation form of a name give the same key.
 */
export function workspaceNameKey(name: string): string {
  const folded = name.trim().normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
  if (folded.length <= KEY_MAX_UNITS) return folded;
  const cut = isHighSurrogate(folded.charCodeAt(KEY_PREFIX_UNITS - 1)) ? KEY_PREFIX_UNITS - 1 : KEY_PREFIX_UNITS;
  return `${folded.slice(0, cut)}#${createHash('sha256').update(folded).digest('hex')}`;
}

/**
 * A key is at most this many UTF-16 code units (so at most 1,536 bytes of UTF-8), which with a
 * workspace id of 256 fits a btree index entry (2,704 bytes). Folding can make a name of 512
 * characters longer (Greek letters upper-cased, Indic letters NFC decomposes): such a key is its
 * first KEY_PREFIX_UNITS units, "#" and the SHA-256 of the whole, still exact and never the key of
 * a shorter name (those are at most KEY_MAX_UNITS long).
 */
const KEY_MAX_UNITS = 512;
const KEY_PREFIX_UNITS = 480;

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

export function emptyDelta(): ProjectionDelta {
  return {
    grants: new Map(),
    revokes: new Map(),
    usersDeleted: new Map(),
    workspacesDeleted: new Map(),
    objects: new Map(),
    workspaces: new Map(),
    workspaceNamesHeld: new Map(),
  };
}

const membershipKey = (workspace: string, userId: string, role: string) => JSON.stringify([workspace, userId, role]);

function roleOf(event: ProjectedEvent, side: 'from' | 'to'): string | undefined {
  const value = event.changes?.find((entry) => entry.field === 'role')?.[side];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Object types whose every event the fold reads (memberships, workspace names). */
const ALWAYS_FOLDED_TYPES = ['WorkspaceAccess', 'Workspace'] as const;
/** Actions the fold reads of any object (existence; users and workspaces deleted). */
const FOLDED_ACTIONS = ['created', 'deleted'] as const;

/**
 * Whether foldEvents can change anything for this event: an event of which this is false leaves
 * any delta as it was (most events are updates), so the projector need not read it back.
 */
export function changesProjections(event: Pick<ProjectedEvent, 'objectType' | 'action'>): boolean {
  return (
    (ALWAYS_FOLDED_TYPES as readonly string[]).includes(event.objectType) ||
    (FOLDED_ACTIONS as readonly string[]).includes(event.action)
  );
}

/** changesProjections as an SQL condition on an audit_events or audit_event_search row. */
export const CHANGES_PROJECTIONS_SQL = `(object_type IN (${ALWAYS_FOLDED_TYPES.map((t) => `'${t}'`).join(', ')}) OR action IN (${FOLDED_ACTIONS.map((a) => `'${a}'`).join(', ')}))`;

/**
 * Folds events (in seq order) into the delta: the projections' evolve function. Workspace
 * memberships follow WorkspaceAccess granted/revoked read from the grants topic (user = objectId,
 * role from the "role" change); one from anywhere else (stored before audit-ingest refused them)
 * grants and revokes nothing. Deleting a user or a workspace ends its memberships. Objects exist from their last
 * "created" until a later "deleted". A Workspace event's objectName (created, updated) is the
 * workspace's name from then on, the latest winning; deleting keeps the name and marks the
 * workspace deleted; every name it held still finds it.
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
    if (event.objectType === 'Workspace') foldWorkspaceName(event, delta);
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

/** A character that shows: not a blank, a control or a format character (zero-width, bidi, soft hyphen). */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}]/u;

function foldWorkspaceName(event: ProjectedEvent, delta: ProjectionDelta): void {
  const named = typeof event.objectName === 'string' && VISIBLE.test(event.objectName);
  const { objectId: workspace, action } = event;
  if (action !== 'created' && action !== 'updated' && action !== 'deleted') return;
  const entry = delta.workspaces.get(workspace) ?? { name: null, renamed: false, deleted: null };
  if (named) {
    const name = event.objectName!;
    const key = workspaceNameKey(name);
    delta.workspaceNamesHeld.set(JSON.stringify([workspace, key]), { workspace, name, key });
    if (action !== 'deleted') Object.assign(entry, { name, renamed: true });
    else if (entry.name === null) entry.name = name;
  }
  if (action === 'created') entry.deleted = false;
  if (action === 'deleted') entry.deleted = true;
  delta.workspaces.set(workspace, entry);
}
