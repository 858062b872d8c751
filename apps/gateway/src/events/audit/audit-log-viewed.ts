import type { TrailPosition as CommitPosition } from '@meshtrail/audit-store';
import type { AuditEventInput } from '@meshtrail/contracts';
import type { Principal } from '@meshtrail/auth';
import type { EventFilter } from '../query/event-filter';

/** One read of the audit log, as it is itself audited. */
export interface AuditLogView {
  principal: Principal;
  operation: 'list' | 'get' | 'export' | 'feed' | 'stats';
  filter?: EventFilter;
  /**
   * The single workspace the read was confined to, if any: an owner's or manager's read lands in
   * that workspace's trail; an admin's (or an admin-scoped key's) stays global, admins only.
   */
  workspace?: string;
  eventId?: string;
  format?: string;
  /** How many events the caller received (lists, feed pages and single reads). */
  returned?: number;
  /** The stretch of the commit order a feed page covered: after one position, through another. */
  positions?: { after: CommitPosition; through: CommitPosition };
  sourceIp?: string;
  correlationId?: string;
}

export const AUDIT_LOG_VIEWED_TYPE = 'meshtrail.auditlog.viewed';
/** The CloudEvents source of the gateway's AuditLogViewed events. */
export const AUDIT_VIEW_SOURCE = 'meshtrail/gateway';

/**
 * True for the gateway's own record of a feed read. A feed page holding nothing else is not
 * recorded again: otherwise every follower would read its own record on its next poll, record
 * that, and never be caught up.
 */
export function isFeedRead(event: { type: string; source: string; changes: unknown }): boolean {
  return (
    event.type === AUDIT_LOG_VIEWED_TYPE &&
    event.source === AUDIT_VIEW_SOURCE &&
    Array.isArray(event.changes) &&
    event.changes.some(
      (change: { field?: unknown; to?: unknown }) => change?.field === 'operation' && change.to === 'feed',
    )
  );
}

const quote = (value: string) => (/[\s"]/.test(value) ? `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"` : value);

/** A filter in the `q` language, as people read it in the trail: `action:deleted workspace:ws-1 "landing zone"`. */
export function describeFilter(filter: EventFilter): string {
  const terms = filter.conditions.flatMap((condition) =>
    condition.values.map((value) => {
      const term = condition.field === 'change' ? quote(value) : `${condition.field}:${quote(value)}`;
      return condition.negated ? `-${term}` : term;
    }),
  );
  if (filter.from) terms.push(`created:>=${filter.from.toISOString()}`);
  if (filter.to) terms.push(`created:<${filter.to.toISOString()}`);
  return terms.join(' ');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The workspace whose trail records a read: the one read, unless an admin read it. An
 * investigation must not tip off the investigated: an admin's reads go to the global trail,
 * which only admins see (the workspace read is named in the event's changes).
 */
export function viewRecordedIn(view: Pick<AuditLogView, 'principal' | 'workspace'>): string | undefined {
  return view.principal.admin ? undefined : view.workspace;
}

function readVerb(view: AuditLogView): string {
  if (view.operation === 'export') return `exported (${view.format})`;
  return view.operation === 'stats' ? 'counted per day' : 'listed';
}

/** The AuditLogViewed event for one read: who read, how, with which filters. */
export function auditLogViewedEvent(view: AuditLogView): AuditEventInput {
  const description = view.filter ? describeFilter(view.filter) : '';
  const what =
    view.operation === 'get'
      ? `read audit event ${view.eventId}`
      : view.operation === 'feed'
        ? `followed the audit trail (${view.returned ?? 0} events)`
        : `${readVerb(view)} audit events${description ? ` where ${description}` : ''}`;
  const changes: Array<{ field: string; to: unknown }> = [{ field: 'operation', to: view.operation }];
  if (view.filter) {
    changes.push({
      field: 'filters',
      to: {
        conditions: view.filter.conditions,
        from: view.filter.from?.toISOString() ?? null,
        to: view.filter.to?.toISOString() ?? null,
      },
    });
  }
  const recordedIn = viewRecordedIn(view);
  if (view.workspace && !recordedIn) changes.push({ field: 'workspace', to: view.workspace });
  if (view.format) changes.push({ field: 'format', to: view.format });
  if (view.returned !== undefined) changes.push({ field: 'returned', to: view.returned });
  if (view.positions) changes.push({ field: 'positions', to: view.positions });
  return {
    type: AUDIT_LOG_VIEWED_TYPE,
    subject: 'audit-log',
    data: {
      objectType: 'AuditLog',
      objectId: view.eventId ?? (view.workspace ? `workspace/${view.workspace}` : 'all'),
      objectName: 'audit log',
      action: 'viewed',
      ...(recordedIn ? { workspace: recordedIn } : {}),
      actor: {
        kind: view.principal.kind,
        id: view.principal.id.slice(0, 256),
        displayName: oneLine(view.principal.name, 256) || view.principal.id.slice(0, 256),
      },
      change: oneLine(what, 2000),
      changes,
      ...(view.sourceIp ? { sourceIp: view.sourceIp.slice(0, 64) } : {}),
      ...(view.correlationId ? { correlationId: view.correlationId.slice(0, 256) } : {}),
    },
  };
}
