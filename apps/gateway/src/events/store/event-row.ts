/** One row of the event store as the queries select it. */
export interface EventRow {
  id: string;
  /** audit: from audit_events; auth: a Keycloak authentication or admin event from auth_events. */
  kind: 'audit' | 'auth';
  /** RFC 3339, UTC, microseconds. */
  time: string;
  ingested: string;
  seq: string;
  occurred_us: string;
  source: string;
  type: string;
  subject: string | null;
  object_type: string;
  object_id: string;
  object_name: string | null;
  action: string;
  workspace: string | null;
  actor_kind: string;
  actor_id: string;
  actor_name: string | null;
  change: string | null;
  changes: unknown;
  source_ip: string | null;
  correlation_id: string | null;
  hash: string | null;
  event?: unknown;
}

/** An audit event as the API shows it. */
export interface AuditEventView {
  id: string;
  kind: 'audit' | 'auth';
  time: string;
  ingestedAt: string;
  source: string;
  type: string;
  subject: string | null;
  objectType: string;
  objectId: string;
  objectName: string | null;
  action: string;
  workspace: string | null;
  /** The workspace's current name (the workspace-name projection); null when unknown or no workspace. */
  workspaceName: string | null;
  actor: { kind: string; id: string; name: string | null };
  change: string | null;
  changes: unknown;
  sourceIp: string | null;
  correlationId: string | null;
  /** SHA-256 of the audit event's canonical form (null for auth events). */
  hash: string | null;
  /** The full CloudEvent as it was published (single-event reads only). */
  event?: unknown;
}

/** The view of a row; `names` holds current workspace names by id (those it lacks are null). */
export function toEventView(row: EventRow, names?: ReadonlyMap<string, string>): AuditEventView {
  const view: AuditEventView = {
    id: row.id,
    kind: row.kind,
    time: row.time,
    ingestedAt: row.ingested,
    source: row.source,
    type: row.type,
    subject: row.subject,
    objectType: row.object_type,
    objectId: row.object_id,
    objectName: row.object_name,
    action: row.action,
    workspace: row.workspace,
    workspaceName: (row.workspace !== null && names?.get(row.workspace)) || null,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    change: row.change,
    changes: row.changes ?? [],
    sourceIp: row.source_ip,
    correlationId: row.correlation_id,
    hash: row.hash,
  };
  if (row.event !== undefined) view.event = row.event;
  return view;
}
