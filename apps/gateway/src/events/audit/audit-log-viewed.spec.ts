import { validateAuditEvent, AuditEventPublisher } from '@meshtrail/contracts';
import { filterFromParams } from '../query/event-filter';
import { AUDIT_VIEW_SOURCE, auditLogViewedEvent, describeFilter, isFeedRead } from './audit-log-viewed';

const jane = { kind: 'user' as const, id: 'u-1', name: 'jane', admin: false, workspaces: ['ws-1'] };
// toCloudEvent is pure; nothing is sent here
const envelope = new AuditEventPublisher({
  sink: { send: () => Promise.reject(new Error('not sent')) },
  source: AUDIT_VIEW_SOURCE,
});

describe('AuditLogViewed', () => {
  it('describes a filter in the q language', () => {
    const filter = filterFromParams({ q: 'action:deleted -workspace:ws-2 "landing zone" created:>=2026-01-01' });
    expect(describeFilter(filter)).toBe(
      '-workspace:ws-2 "landing zone" action:deleted created:>=2026-01-01T00:00:00.000Z',
    );
  });

  it('records daily counts as a read of their filters, in the workspace counted', () => {
    const input = auditLogViewedEvent({
      principal: jane,
      operation: 'stats',
      filter: filterFromParams({ workspace: 'ws-1', q: 'created:2026-03-01..2026-03-05' }),
      workspace: 'ws-1',
      returned: 12,
    });
    expect(input.data).toMatchObject({
      workspace: 'ws-1',
      change:
        'counted per day audit events where workspace:ws-1 created:>=2026-03-01T00:00:00.000Z created:<2026-03-06T00:00:00.000Z',
    });
    expect(input.data.changes).toEqual(
      expect.arrayContaining([
        { field: 'operation', to: 'stats' },
        { field: 'returned', to: 12 },
      ]),
    );
    const result = validateAuditEvent(envelope.toCloudEvent(input), { now: new Date(), maxFutureSkewMs: 300_000 });
    expect(result).toMatchObject({ ok: true });
  });

  it('records who listed which filters, in the workspace read, and passes the audit contract', () => {
    const input = auditLogViewedEvent({
      principal: jane,
      operation: 'list',
      filter: filterFromParams({ workspace: 'ws-1', action: 'deleted' }),
      workspace: 'ws-1',
      returned: 3,
      sourceIp: '10.0.0.1',
    });
    expect(input.data).toMatchObject({
      objectType: 'AuditLog',
      action: 'viewed',
      workspace: 'ws-1',
      actor: { kind: 'user', id: 'u-1', displayName: 'jane' },
      change: 'listed audit events where workspace:ws-1 action:deleted',
      sourceIp: '10.0.0.1',
    });
    expect(input.data.changes).toEqual(
      expect.arrayContaining([
        { field: 'operation', to: 'list' },
        { field: 'returned', to: 3 },
        { field: 'filters', to: expect.objectContaining({ conditions: expect.any(Array) }) },
      ]),
    );
    const result = validateAuditEvent(envelope.toCloudEvent(input), { now: new Date(), maxFutureSkewMs: 300_000 });
    expect(result).toMatchObject({ ok: true });
  });

  it('records exports and single reads of an API key without a workspace as global events', () => {
    const key = { kind: 'apiKey' as const, id: 'k-1', name: 'siem\nline', admin: true, workspaces: [] };
    const exported = auditLogViewedEvent({
      principal: key,
      operation: 'export',
      format: 'csv',
      filter: filterFromParams({}),
    });
    expect(exported.data).not.toHaveProperty('workspace');
    expect(exported.data.change).toBe('exported (csv) audit events');
    expect(exported.data.actor.displayName).toBe('siem line');
    const read = auditLogViewedEvent({ principal: key, operation: 'get', eventId: 'e-9' });
    expect(read.data).toMatchObject({ objectId: 'e-9', change: 'read audit event e-9' });
    for (const input of [exported, read]) {
      expect(validateAuditEvent(envelope.toCloudEvent(input), { now: new Date(), maxFutureSkewMs: 0 })).toMatchObject({
        ok: true,
      });
    }
  });

  it("records an admin's or an admin key's read of a workspace in the global trail, naming the workspace there", () => {
    const olivia = { kind: 'user' as const, id: 'u-admin', name: 'olivia', admin: true, workspaces: [] };
    const key = { kind: 'apiKey' as const, id: 'k-2', name: 'siem', admin: true, workspaces: [] };
    for (const principal of [olivia, key]) {
      const input = auditLogViewedEvent({
        principal,
        operation: 'list',
        filter: filterFromParams({ action: 'deleted' }),
        workspace: 'ws-suspect',
        returned: 2,
      });
      expect(input.data).not.toHaveProperty('workspace');
      expect(input.data.objectId).toBe('workspace/ws-suspect');
      expect(input.data.changes).toContainEqual({ field: 'workspace', to: 'ws-suspect' });
    }
    // an owner's read stays in the workspace, without a second mention of it
    const own = auditLogViewedEvent({ principal: jane, operation: 'list', workspace: 'ws-1' });
    expect(own.data.workspace).toBe('ws-1');
    expect(own.data.changes).not.toContainEqual({ field: 'workspace', to: 'ws-1' });
  });

  it('records a feed page with the stretch of the commit order it covered, and knows such a record again', () => {
    const positions = { after: { xactId: '0', seq: '0' }, through: { xactId: '912', seq: '40' } };
    const input = auditLogViewedEvent({
      principal: jane,
      operation: 'feed',
      returned: 12,
      positions,
      workspace: 'ws-1',
    });
    expect(input.data).toMatchObject({ workspace: 'ws-1', change: 'followed the audit trail (12 events)' });
    expect(input.data.changes).toEqual(
      expect.arrayContaining([
        { field: 'operation', to: 'feed' },
        { field: 'positions', to: positions },
      ]),
    );
    const event = envelope.toCloudEvent(input);
    expect(validateAuditEvent(event, { now: new Date(), maxFutureSkewMs: 0 })).toMatchObject({ ok: true });
    const stored = { type: event.type, source: event.source, changes: event.data.changes };
    expect(isFeedRead(stored)).toBe(true);
    // a listing's record, or one published by anyone but the gateway, is an event like any other
    const list = auditLogViewedEvent({ principal: jane, operation: 'list', returned: 1 });
    expect(isFeedRead({ ...stored, changes: list.data.changes })).toBe(false);
    expect(isFeedRead({ ...stored, source: 'meshstack/someone' })).toBe(false);
    expect(isFeedRead({ ...stored, changes: null })).toBe(false);
  });
});
