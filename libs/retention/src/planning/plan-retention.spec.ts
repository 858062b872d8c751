import { DEFAULT_POLICIES, type RetentionPolicies } from '../policy/data-kinds';
import { copyAsStore, type RetentionTable } from '../registry/retention-tables';
import type { PartitionFacts, StoreInventory } from './inventory';
import { planRetention } from './plan-retention';

const auditStore: RetentionTable = {
  kind: 'auditEvents',
  table: 'audit_events',
  timeColumn: 'occurred_at',
  workspaceColumn: 'workspace',
  idRegistries: [{ table: 'audit_event_ids', idColumn: 'id', timeColumn: 'occurred_at', storeIdColumn: 'id' }],
};
const accessStore: RetentionTable = { kind: 'accessLogs', table: 'access_logs', timeColumn: 'requested_at' };
const searchCopy = copyAsStore(auditStore, { table: 'audit_event_search' });

const policies: RetentionPolicies = { ...DEFAULT_POLICIES, auditEvents: 12, accessLogs: 1 };

/** Monthly partitions <table>_YYYYMM from `first` for `count` months, plus the default partition. */
function months(table: string, first: string, count: number, facts: Partial<PartitionFacts> = {}): PartitionFacts[] {
  const start = new Date(`${first}-01T00:00:00Z`);
  const list: PartitionFacts[] = [];
  for (let i = 0; i < count; i++) {
    const from = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1));
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    const name = `${table}_${from.getUTCFullYear()}${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
    list.push({ name, isDefault: false, from, to, ...facts });
  }
  return [...list, { name: `${table}_default`, isDefault: true, from: null, to: null }];
}

function inventory(store: RetentionTable, partitions: PartitionFacts[], detached: string[] = []): StoreInventory {
  return { store, layout: 'partitioned', partitions, detached };
}

describe('planRetention', () => {
  const now = new Date('2026-05-17T03:00:00Z');

  it('given twelve-month audit events, drops months that ended before the cutoff and sweeps the one it falls in', () => {
    // given partitions from January 2025 to August 2026, no holds
    const stores = [inventory(auditStore, months('audit_events', '2025-01', 20))];
    // when
    const [plan] = planRetention({ now, policies, heldWorkspaces: [], stores, monthsAhead: 3 }).stores;
    // then: the cutoff is 2025-05-17T03:00Z; January to April 2025 ended before it
    expect(plan.cutoff.toISOString()).toBe('2025-05-17T03:00:00.000Z');
    expect(plan.drop).toEqual([
      'audit_events_202501',
      'audit_events_202502',
      'audit_events_202503',
      'audit_events_202504',
    ]);
    expect(plan.sweep).toEqual([
      { relation: 'audit_events_202505', reason: 'boundary' },
      { relation: 'audit_events_default', reason: 'default' },
    ]);
    expect(plan.idRegistries).toEqual(auditStore.idRegistries);
    expect(plan.ensureAhead).toEqual({ fromMonth: new Date('2026-05-01T00:00:00Z'), months: 4 });
  });

  it('drops a partition whose end is exactly the cutoff, and only sweeps one that starts at it', () => {
    const cutoffNow = new Date('2026-06-01T00:00:00Z');
    const stores = [inventory(accessStore, months('access_logs', '2026-03', 4))];
    const [plan] = planRetention({ now: cutoffNow, policies, heldWorkspaces: [], stores, monthsAhead: 1 }).stores;
    expect(plan.cutoff.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(plan.drop).toEqual(['access_logs_202603', 'access_logs_202604']);
    // May starts at the cutoff: nothing in it is older, so it is left alone
    expect(plan.sweep).toEqual([{ relation: 'access_logs_default', reason: 'default' }]);
  });

  it('given a legal hold, never drops an expired partition holding the held workspace’s rows, but sweeps it', () => {
    const partitions = months('audit_events', '2025-02', 3).map((p) =>
      p.name === 'audit_events_202503'
        ? { ...p, holdsHeldRows: true }
        : p.isDefault
          ? p
          : { ...p, holdsHeldRows: false },
    );
    const stores = [inventory(auditStore, partitions)];
    const [plan] = planRetention({ now, policies, heldWorkspaces: ['ws-held'], stores, monthsAhead: 0 }).stores;
    expect(plan.drop).toEqual(['audit_events_202502', 'audit_events_202504']);
    expect(plan.sweep).toEqual([
      { relation: 'audit_events_202503', reason: 'held' },
      { relation: 'audit_events_default', reason: 'default' },
    ]);
    expect(plan.workspaceColumn).toBe('workspace');
  });

  it('treats an expired partition whose held rows were not looked up as held', () => {
    const stores = [inventory(auditStore, months('audit_events', '2025-02', 1))];
    const [plan] = planRetention({ now, policies, heldWorkspaces: ['ws-held'], stores, monthsAhead: 0 }).stores;
    expect(plan.drop).toEqual([]);
    expect(plan.sweep[0]).toEqual({ relation: 'audit_events_202502', reason: 'held' });
  });

  it('ignores holds for a store without a workspace column', () => {
    const stores = [inventory(accessStore, months('access_logs', '2026-01', 2))];
    const [plan] = planRetention({ now, policies, heldWorkspaces: ['ws-held'], stores, monthsAhead: 0 }).stores;
    expect(plan.drop).toEqual(['access_logs_202601', 'access_logs_202602']);
  });

  it('keeps everything from the cutoff on: data just inside the minimum is never planned for deletion', () => {
    // given 12 months, the minimum for audit events, and partitions from the cutoff's month on
    const stores = [inventory(auditStore, months('audit_events', '2025-06', 12))];
    const [plan] = planRetention({ now, policies, heldWorkspaces: [], stores, monthsAhead: 0 }).stores;
    expect(plan.drop).toEqual([]);
    expect(plan.sweep).toEqual([{ relation: 'audit_events_default', reason: 'default' }]);
  });

  it('drops partitions an interrupted run left detached', () => {
    const stores = [inventory(auditStore, [], ['audit_events_202401_detached'])];
    const [plan] = planRetention({ now, policies, heldWorkspaces: [], stores, monthsAhead: 0 }).stores;
    expect(plan.dropDetached).toEqual(['audit_events_202401_detached']);
  });

  it('treats MINVALUE and MAXVALUE bounds as open ends', () => {
    const stores = [
      inventory(auditStore, [
        { name: 'audit_events_old', isDefault: false, from: null, to: new Date('2025-01-01T00:00:00Z') },
        { name: 'audit_events_rest', isDefault: false, from: new Date('2025-01-01T00:00:00Z'), to: null },
      ]),
    ];
    const [plan] = planRetention({ now, policies, heldWorkspaces: [], stores, monthsAhead: 0 }).stores;
    expect(plan.drop).toEqual(['audit_events_old']);
    expect(plan.sweep).toEqual([{ relation: 'audit_events_rest', reason: 'boundary' }]);
  });

  it('plans a copy like its store, by the same cutoff and holds, on the copy’s own partitions', () => {
    // given the store and its copy over the same months, the copy's March holding held rows
    const copyPartitions = months('audit_event_search', '2025-02', 4).map((p) =>
      p.isDefault ? p : { ...p, holdsHeldRows: p.name === 'audit_event_search_202503' },
    );
    const storePartitions = months('audit_events', '2025-02', 4).map((p) =>
      p.isDefault ? p : { ...p, holdsHeldRows: p.name === 'audit_events_202503' },
    );
    const stores = [{ ...inventory(auditStore, storePartitions), copies: [inventory(searchCopy, copyPartitions)] }];
    // when
    const [plan] = planRetention({ now, policies, heldWorkspaces: ['ws-held'], stores, monthsAhead: 1 }).stores;
    // then the copy drops the months the store drops and sweeps the ones it sweeps
    expect(plan.drop).toEqual(['audit_events_202502', 'audit_events_202504']);
    expect(plan.copies).toHaveLength(1);
    const [copy] = plan.copies;
    expect(copy).toMatchObject({
      kind: 'auditEvents',
      table: 'audit_event_search',
      timeColumn: 'occurred_at',
      workspaceColumn: 'workspace',
      cutoff: plan.cutoff,
      drop: ['audit_event_search_202502', 'audit_event_search_202504'],
      sweep: [
        { relation: 'audit_event_search_202503', reason: 'held' },
        { relation: 'audit_event_search_202505', reason: 'boundary' },
        { relation: 'audit_event_search_default', reason: 'default' },
      ],
      idRegistries: [],
      copies: [],
      ensureAhead: plan.ensureAhead,
    });
  });

  it('skips a copy whose table does not exist, and the copies of a store that does not exist', () => {
    const absent: StoreInventory = { store: searchCopy, layout: 'absent', partitions: [], detached: [] };
    const present = { ...inventory(auditStore, months('audit_events', '2025-02', 1)), copies: [absent] };
    const gone: StoreInventory = {
      store: auditStore,
      layout: 'absent',
      partitions: [],
      detached: [],
      copies: [absent],
    };
    const [withCopy] = planRetention({ now, policies, heldWorkspaces: [], stores: [present], monthsAhead: 0 }).stores;
    const [withoutStore] = planRetention({ now, policies, heldWorkspaces: [], stores: [gone], monthsAhead: 0 }).stores;
    expect(withCopy.copies).toMatchObject([{ table: 'audit_event_search', skipped: 'absent', drop: [], sweep: [] }]);
    expect(withoutStore).toMatchObject({ skipped: 'absent', copies: [] });
  });

  it('sweeps a table without partitions, and skips a store whose table does not exist', () => {
    const stores: StoreInventory[] = [
      { store: auditStore, layout: 'plain', partitions: [], detached: [] },
      { store: accessStore, layout: 'absent', partitions: [], detached: [] },
    ];
    const [plain, absent] = planRetention({ now, policies, heldWorkspaces: [], stores, monthsAhead: 2 }).stores;
    expect(plain.sweep).toEqual([{ relation: 'audit_events', reason: 'unpartitioned' }]);
    expect(plain.ensureAhead).toBeUndefined();
    expect(absent).toMatchObject({ skipped: 'absent', drop: [], sweep: [], idRegistries: [] });
  });

  it('uses each kind’s own policy', () => {
    const stores = [
      inventory(auditStore, months('audit_events', '2026-03', 1)),
      inventory(accessStore, months('access_logs', '2026-03', 1)),
    ];
    const [audit, access] = planRetention({ now, policies, heldWorkspaces: [], stores, monthsAhead: 0 }).stores;
    expect(audit.drop).toEqual([]);
    expect(access.cutoff.toISOString()).toBe('2026-04-17T03:00:00.000Z');
    expect(access.drop).toEqual(['access_logs_202603']);
  });
});
