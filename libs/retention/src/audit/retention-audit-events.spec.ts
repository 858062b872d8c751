import { AuditEventPublisher, validateAuditEvent, type AuditEventInput } from '@meshtrail/contracts';
import type { StoreOutcome } from '../execution/store-outcome';
import { legalHoldPlaced, legalHoldReleased, retentionEnforced } from './retention-audit-events';

// toCloudEvent only fills in the envelope; it never sends
const envelope = new AuditEventPublisher({
  sink: { send: () => Promise.reject(new Error('not sent')) },
  source: 'test',
});
const at = new Date('2026-05-17T03:00:05Z');
const valid = (input: AuditEventInput) =>
  validateAuditEvent(envelope.toCloudEvent(input), { now: at, maxFutureSkewMs: 300_000 });

const outcome: StoreOutcome = {
  kind: 'auditEvents',
  table: 'audit_events',
  retentionMonths: 12,
  cutoff: '2025-05-17T03:00:00.000Z',
  partitionsDropped: ['audit_events_202503', 'audit_events_202504'],
  rowsDeleted: 1_250_003,
  rowsInDroppedPartitions: 1_250_000,
  rowsDeletedInBatches: 3,
  registryRowsDeleted: 1_250_003,
  deleteStatements: 4,
  partitionsCreated: 1,
  durationMs: 4321,
  copies: [
    {
      table: 'audit_event_search',
      partitionsDropped: ['audit_event_search_202503', 'audit_event_search_202504'],
      rowsDeleted: 1_250_002,
      rowsInDroppedPartitions: 1_250_000,
      rowsDeletedInBatches: 2,
      deleteStatements: 1,
      partitionsCreated: 1,
      durationMs: 1200,
    },
  ],
};

describe('RetentionEnforced', () => {
  const input = retentionEnforced('6f1c1e52-6a8e-4c1e-9d59-3f9a3c0a0b11', at, outcome);

  it('passes the audit contract as a system event about the kind’s policy', () => {
    const result = valid(input);
    expect(result.ok).toBe(true);
    expect(input).toMatchObject({
      id: 'retention-6f1c1e52-6a8e-4c1e-9d59-3f9a3c0a0b11-auditEvents',
      type: 'meshtrail.retention.enforced',
      data: { objectType: 'RetentionPolicy', objectId: 'auditEvents', action: 'deleted', actor: { kind: 'system' } },
    });
  });

  it('carries the kind, the cutoff, the rows and partitions deleted, those of its copies and the duration', () => {
    expect(input.data.change).toBe(
      'deleted 1,250,003 rows of audit events older than 2025-05-17T03:00:00.000Z (retention 12 months): ' +
        '2 partitions dropped, 3 rows deleted in batches, and 1,250,002 rows of its copy audit_event_search, in 4.3 s',
    );
    const changes = Object.fromEntries((input.data.changes ?? []).map((c) => [c.field, c.to]));
    expect(changes).toMatchObject({
      kind: 'auditEvents',
      cutoff: '2025-05-17T03:00:00.000Z',
      rowsDeleted: 1_250_003,
      partitionsDropped: ['audit_events_202503', 'audit_events_202504'],
      durationMs: 4321,
      copies: [
        {
          table: 'audit_event_search',
          rowsDeleted: 1_250_002,
          partitionsDropped: ['audit_event_search_202503', 'audit_event_search_202504'],
        },
      ],
    });
  });

  it('says so, on one line, when the store failed', () => {
    const failed = retentionEnforced('r', at, { ...outcome, error: 'lock timeout\nwhile detaching' });
    expect(failed.data.change).toContain('; failed: lock timeout while detaching');
    expect(valid(failed).ok).toBe(true);
  });
});

describe('LegalHoldPlaced and LegalHoldReleased', () => {
  const hold = {
    id: 7,
    workspace: 'ws-7',
    reason: 'litigation',
    placedBy: { kind: 'user' as const, id: 'u-1', name: 'Ada' },
    placedAt: new Date('2026-05-17T03:00:00Z'),
  };

  it('pass the audit contract, global, with the principal as actor', () => {
    const placed = legalHoldPlaced(hold);
    const released = legalHoldReleased({
      ...hold,
      releasedAt: at,
      releasedBy: { kind: 'apiKey', id: 'k-1', name: 'ops key' },
      releaseReason: 'closed',
    });
    expect(valid(placed).ok).toBe(true);
    expect(valid(released).ok).toBe(true);
    expect(placed.data).toMatchObject({
      action: 'created',
      objectId: 'ws-7',
      actor: { id: 'u-1', displayName: 'Ada' },
    });
    expect(placed.data.workspace).toBeUndefined();
    expect(released.data).toMatchObject({ action: 'deleted', actor: { kind: 'apiKey', id: 'k-1' } });
    expect(released.id).toBe('legal-hold-7-released');
  });
});
