import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { serviceDatabaseUrl } from '@meshtrail/database';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import {
  ensureMonths,
  insertAuditEvent,
  insertAuthEvent,
  insertDeadLetter,
  insertTransmission,
  partitionsOf,
} from '../../../../test/support/store-rows';
import { DEFAULT_POLICIES, type RetentionPolicies } from '../policy/data-kinds';
import { deletionFigures, type StoreOutcome } from '../execution/store-outcome';
import { insertHold, markReleased } from '../legal-hold/legal-hold.store';
import { enforceRetention, type EnforcementRequest } from './enforce-retention';

const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test' };

describe('enforceRetention with a controlled clock (real PostgreSQL, the real event store schema)', () => {
  let stack: TestStack;
  /** Retention's own role, as the service logs in: it removes only in the recorded way. */
  let sql: Client;
  /** The owner, for what the gateway or an operator does (legal holds). */
  let owner: Client;

  beforeEach(async () => {
    stack = await createTestStack('enforce');
    sql = new Client({ connectionString: serviceDatabaseUrl(stack.databaseUrl, 'retention') });
    await sql.connect();
    owner = new Client({ connectionString: stack.databaseUrl });
    await owner.connect();
  });
  afterEach(async () => {
    await sql.end();
    await owner.end();
    await stack.teardown();
  });

  const now = new Date('2026-05-17T03:00:00Z');
  const request = (policies: Partial<RetentionPolicies>, dryRun: boolean): EnforcementRequest => ({
    now,
    policies: { ...DEFAULT_POLICIES, ...policies },
    monthsAhead: 3,
    dryRun,
    batchRows: 2,
    lockTimeoutMs: 2000,
  });
  const ids = async (table: string) =>
    (await stack.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).map((row) => row.id);
  const outcomeOf = (outcomes: StoreOutcome[], kind: string) => outcomes.find((o) => o.kind === kind)!;
  /** The audit event store and its read model, which the projector keeps month for month. */
  const ensureAuditMonths = async (from: string, months: number) => {
    for (const table of ['audit_events', 'audit_event_search']) await ensureMonths(stack, table, from, months);
  };

  it('keeps data just inside the minimum and held workspaces, deletes the rest, and the dry run reported exactly that', async () => {
    // given twelve months for audit events (the minimum) and two for Keycloak events (the minimum)
    await ensureAuditMonths('2020-01-01', 80); // 2020-01 .. 2026-08
    await insertAuditEvent(stack, { id: 'a-expired-month', occurredAt: '2025-01-10T00:00:00Z', workspace: 'ws-1' });
    await insertAuditEvent(stack, { id: 'b-held', occurredAt: '2025-03-05T00:00:00Z', workspace: 'ws-held' });
    await insertAuditEvent(stack, { id: 'c-beside-held', occurredAt: '2025-03-06T00:00:00Z', workspace: 'ws-1' });
    await insertAuditEvent(stack, { id: 'd-global-expired', occurredAt: '2025-04-01T00:00:00Z', workspace: null });
    await insertAuditEvent(stack, { id: 'e-one-second-past', occurredAt: '2025-05-17T02:59:59Z', workspace: 'ws-1' });
    await insertAuditEvent(stack, { id: 'f-one-second-inside', occurredAt: '2025-05-17T03:00:01Z', workspace: 'ws-1' });
    await insertAuditEvent(stack, { id: 'g-recent', occurredAt: '2026-05-01T00:00:00Z', workspace: 'ws-1' });
    await insertAuditEvent(stack, { id: 'h-in-default', occurredAt: '2019-06-01T00:00:00Z', workspace: 'ws-1' });
    await insertHold(owner, { workspace: 'ws-held', reason: 'litigation', by: SYSTEM, at: now });
    await ensureMonths(stack, 'auth_events', '2026-01-01', 4); // 2026-01 .. 2026-04
    await insertAuthEvent(stack, { offset: 1, occurredAt: '2026-01-15T00:00:00Z' });
    await insertAuthEvent(stack, { offset: 2, occurredAt: '2026-03-17T02:59:59Z' });
    await insertAuthEvent(stack, { offset: 3, occurredAt: '2026-03-17T03:00:01Z' });
    // one month for the transmission log (its minimum): the cutoff is 2026-04-17T03:00Z
    await ensureMonths(stack, 'telemetry_transmissions', '2026-04-01', 1);
    await insertTransmission(stack, { sentAt: '2026-04-17T02:59:59Z', category: 'one-second-past' });
    await insertTransmission(stack, { sentAt: '2026-04-17T03:00:01Z', category: 'one-second-inside' });
    const auditPartitionsBefore = await partitionsOf(stack, 'audit_events');
    const searchPartitionsBefore = await partitionsOf(stack, 'audit_event_search');
    const authPartitionsBefore = await partitionsOf(stack, 'auth_events');
    const policies = { auditEvents: 12, authEvents: 2, telemetryTransmissions: 1 };

    // when a dry run comes first
    const dry = await enforceRetention(sql, request(policies, true));

    // then nothing changed
    expect(await ids('audit_events')).toHaveLength(8);
    expect(await ids('audit_event_ids')).toHaveLength(8);
    expect(await ids('audit_event_search')).toHaveLength(8);
    expect(await partitionsOf(stack, 'audit_events')).toEqual(auditPartitionsBefore);
    expect(await partitionsOf(stack, 'audit_event_search')).toEqual(searchPartitionsBefore);
    expect(await partitionsOf(stack, 'auth_events')).toEqual(authPartitionsBefore);

    // when the real run follows
    const real = await enforceRetention(sql, request(policies, false));

    // then it reports exactly what the dry run said
    expect(real.outcomes.map(deletionFigures)).toEqual(dry.outcomes.map(deletionFigures));
    const audit = outcomeOf(real.outcomes, 'auditEvents');
    expect(audit).toMatchObject({
      cutoff: '2025-05-17T03:00:00.000Z',
      rowsInDroppedPartitions: 2, // a (January 2025), d (April 2025)
      rowsDeletedInBatches: 3, // c beside the held row, e in the boundary month, h in the default partition
      rowsDeleted: 5,
      registryRowsDeleted: 5,
    });
    expect(audit.error).toBeUndefined();
    // 64 months from January 2020 to April 2025, less March 2025 which holds held rows
    expect(audit.partitionsDropped).toHaveLength(63);
    expect(audit.partitionsDropped).not.toContain('audit_events_202503');
    expect(audit.deleteStatements).toBeGreaterThan(0);

    // and the store holds the held row, the row just inside the minimum and the recent one
    expect(await ids('audit_events')).toEqual(['b-held', 'f-one-second-inside', 'g-recent']);
    expect(await ids('audit_event_ids')).toEqual(['b-held', 'f-one-second-inside', 'g-recent']);
    const partitions = await partitionsOf(stack, 'audit_events');
    expect(partitions).toContain('audit_events_202503');
    expect(partitions).toContain('audit_events_202505');
    expect(partitions).not.toContain('audit_events_202504');
    expect(partitions.filter((name) => name < 'audit_events_202503')).toEqual([]);

    // and its read model lost the same months and rows in the same run, the held row kept
    const [search] = audit.copies;
    expect(search).toMatchObject({
      table: 'audit_event_search',
      rowsInDroppedPartitions: 2,
      rowsDeletedInBatches: 3,
      rowsDeleted: 5,
    });
    expect(search.error).toBeUndefined();
    expect(search.partitionsDropped).toEqual(
      audit.partitionsDropped.map((name) => name.replace(/^audit_events_/, 'audit_event_search_')),
    );
    expect(await ids('audit_event_search')).toEqual(['b-held', 'f-one-second-inside', 'g-recent']);
    const searchPartitions = await partitionsOf(stack, 'audit_event_search');
    expect(searchPartitions).toContain('audit_event_search_202503');
    expect(searchPartitions).not.toContain('audit_event_search_202504');
    expect(searchPartitions.filter((name) => name < 'audit_event_search_202503')).toEqual([]);

    const auth = outcomeOf(real.outcomes, 'authEvents');
    expect(auth).toMatchObject({
      cutoff: '2026-03-17T03:00:00.000Z',
      partitionsDropped: ['auth_events_202601', 'auth_events_202602'],
      rowsDeleted: 2,
      partitionsCreated: 4, // May to August 2026, created ahead
    });
    expect(outcomeOf(dry.outcomes, 'authEvents').partitionsCreated).toBe(4);
    const authLeft = await stack.query<{ kafka_offset: string }>('SELECT kafka_offset FROM auth_events');
    expect(authLeft.map((row) => Number(row.kafka_offset))).toEqual([3]);
    expect(await partitionsOf(stack, 'auth_events')).toEqual(
      expect.arrayContaining(['auth_events_202605', 'auth_events_202606', 'auth_events_202607', 'auth_events_202608']),
    );

    expect(outcomeOf(real.outcomes, 'telemetryTransmissions')).toMatchObject({
      cutoff: '2026-04-17T03:00:00.000Z',
      rowsDeletedInBatches: 1,
    });
    const transmissions = await stack.query<{ category: string }>('SELECT category FROM telemetry_transmissions');
    expect(transmissions).toEqual([{ category: 'one-second-inside' }]);

    // a store whose table does not exist yet is skipped, not failed
    for (const outcome of real.outcomes.filter((o) => o.skipped)) {
      expect(outcome).toMatchObject({ skipped: 'absent', rowsDeleted: 0 });
      expect(outcome.error).toBeUndefined();
    }

    // and a second run finds nothing more to delete
    const again = await enforceRetention(sql, request(policies, false));
    expect(outcomeOf(again.outcomes, 'auditEvents')).toMatchObject({ rowsDeleted: 0, partitionsDropped: [] });
  });

  it('deletes dead letters dead-lettered before the cutoff, in batches below a recorded cutoff; the dry run counts them', async () => {
    // given one month for dead letters (the minimum): the cutoff is 2026-04-17T03:00Z
    const deadLetters = async () =>
      (
        await stack.query<{ source_offset: string }>('SELECT source_offset FROM dead_letters ORDER BY source_offset')
      ).map((row) => Number(row.source_offset));
    await insertDeadLetter(stack, { offset: 1, deadLetteredAt: '2025-01-10T00:00:00Z' });
    await insertDeadLetter(stack, { offset: 2, deadLetteredAt: '2026-04-17T02:59:59Z' });
    await insertDeadLetter(stack, { offset: 3, deadLetteredAt: '2026-04-17T03:00:01Z' });
    await insertDeadLetter(stack, { offset: 4, deadLetteredAt: '2026-05-17T02:00:00Z' });
    // keyed by a held workspace: dead letters carry no workspace, so a hold does not keep them
    await insertDeadLetter(stack, { offset: 5, deadLetteredAt: '2026-01-01T00:00:00Z', key: 'ws-held' });
    await insertHold(owner, { workspace: 'ws-held', reason: 'litigation', by: SYSTEM, at: now });
    // rows over several heap blocks (a few to a block), more than one batch looks at
    for (let offset = 10; offset < 30; offset++) {
      const deadLetteredAt = offset % 2 ? '2026-02-01T00:00:00Z' : '2026-05-01T00:00:00Z';
      // incompressible and under the TOAST threshold: stored inline
      const message = randomBytes(900).toString('hex');
      await insertDeadLetter(stack, { offset, deadLetteredAt, message });
    }

    const dry = await enforceRetention(sql, request({ deadLetters: 1 }, true));
    expect(outcomeOf(dry.outcomes, 'deadLetters')).toMatchObject({
      table: 'dead_letters',
      cutoff: '2026-04-17T03:00:00.000Z',
      rowsDeleted: 13,
      deleteStatements: 0,
    });
    expect(await deadLetters()).toHaveLength(25);
    expect(await stack.query(`SELECT 1 FROM retention_purges WHERE store = 'dead_letters'`)).toEqual([]);

    const real = await enforceRetention(sql, request({ deadLetters: 1 }, false));

    const outcome = outcomeOf(real.outcomes, 'deadLetters');
    expect(deletionFigures(outcome)).toEqual(deletionFigures(outcomeOf(dry.outcomes, 'deadLetters')));
    expect(outcome).toMatchObject({ rowsDeletedInBatches: 13, partitionsDropped: [], partitionsCreated: 0 });
    expect(outcome.error).toBeUndefined();
    // batchRows 2: a statement per heap block, none over the whole table
    expect(outcome.deleteStatements).toBeGreaterThan(1);
    expect(await deadLetters()).toEqual([3, 4, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28]);
    // the cutoff was recorded before anything went
    expect(await stack.query(`SELECT cutoff FROM retention_purges WHERE store = 'dead_letters'`)).toEqual([
      { cutoff: new Date('2026-04-17T03:00:00Z') },
    ]);
  });

  it('at the maximum, deletes data just past it and keeps data just inside it', async () => {
    await ensureAuditMonths('2021-04-01', 3);
    await insertAuditEvent(stack, { id: 'past-maximum', occurredAt: '2021-05-17T02:59:59Z', workspace: 'ws-1' });
    await insertAuditEvent(stack, { id: 'inside-maximum', occurredAt: '2021-05-17T03:00:01Z', workspace: 'ws-1' });
    await insertAuditEvent(stack, { id: 'long-past', occurredAt: '2021-04-30T00:00:00Z', workspace: 'ws-1' });

    const { outcomes } = await enforceRetention(sql, request({ auditEvents: 60 }, false));

    expect(outcomeOf(outcomes, 'auditEvents')).toMatchObject({
      cutoff: '2021-05-17T03:00:00.000Z',
      partitionsDropped: ['audit_events_202104'],
      rowsDeleted: 2,
    });
    expect(await ids('audit_events')).toEqual(['inside-maximum']);
    expect(await ids('audit_event_search')).toEqual(['inside-maximum']);
  });

  it('deletes a workspace’s expired data once its hold is released', async () => {
    await ensureAuditMonths('2025-01-01', 2);
    await insertAuditEvent(stack, { id: 'held-1', occurredAt: '2025-01-10T00:00:00Z', workspace: 'ws-held' });
    await insertAuditEvent(stack, { id: 'held-2', occurredAt: '2025-02-10T00:00:00Z', workspace: 'ws-held' });
    const hold = await insertHold(owner, { workspace: 'ws-held', reason: 'audit', by: SYSTEM, at: now });

    const held = await enforceRetention(sql, request({ auditEvents: 12 }, false));
    expect(outcomeOf(held.outcomes, 'auditEvents')).toMatchObject({
      rowsDeleted: 0,
      partitionsDropped: [],
      registryRowsDeleted: 0,
      copies: [{ table: 'audit_event_search', rowsDeleted: 0, partitionsDropped: [] }],
    });
    expect(await ids('audit_events')).toEqual(['held-1', 'held-2']);
    expect(await ids('audit_event_search')).toEqual(['held-1', 'held-2']);

    await markReleased(owner, { id: hold.id, reason: 'case closed', by: SYSTEM, at: now });
    const released = await enforceRetention(sql, request({ auditEvents: 12 }, false));
    expect(outcomeOf(released.outcomes, 'auditEvents')).toMatchObject({
      rowsDeleted: 2,
      partitionsDropped: ['audit_events_202501', 'audit_events_202502'],
      registryRowsDeleted: 2,
      copies: [
        {
          table: 'audit_event_search',
          rowsDeleted: 2,
          partitionsDropped: ['audit_event_search_202501', 'audit_event_search_202502'],
        },
      ],
    });
    expect(await ids('audit_events')).toEqual([]);
    expect(await ids('audit_event_search')).toEqual([]);
  });

  it('skips a copy whose table does not exist, and still prunes the store', async () => {
    await ensureMonths(stack, 'audit_events', '2024-01-01', 1);
    await insertAuditEvent(stack, { id: 'no-read-model', occurredAt: '2024-01-10T00:00:00Z', workspace: 'ws-1' });
    await stack.query('DROP TABLE audit_event_search');

    const { outcomes } = await enforceRetention(sql, request({ auditEvents: 12 }, false));

    const audit = outcomeOf(outcomes, 'auditEvents');
    expect(audit).toMatchObject({ rowsDeleted: 1, copies: [{ table: 'audit_event_search', skipped: 'absent' }] });
    expect(audit.error).toBeUndefined();
    expect(await ids('audit_events')).toEqual([]);
  });

  it('drops a partition that an interrupted run detached but did not drop, counting its rows', async () => {
    await ensureMonths(stack, 'audit_events', '2024-01-01', 1);
    await insertAuditEvent(stack, { id: 'left-behind', occurredAt: '2024-01-10T00:00:00Z', workspace: 'ws-1' });
    await stack.query('ALTER TABLE audit_events DETACH PARTITION audit_events_202401');
    await stack.query('ALTER TABLE audit_events_202401 RENAME TO audit_events_202401_detached');

    const dry = await enforceRetention(sql, request({ auditEvents: 12 }, true));
    const real = await enforceRetention(sql, request({ auditEvents: 12 }, false));

    expect(outcomeOf(real.outcomes, 'auditEvents')).toMatchObject({
      partitionsDropped: ['audit_events_202401_detached'],
      rowsInDroppedPartitions: 1,
    });
    expect(real.outcomes.map(deletionFigures)).toEqual(dry.outcomes.map(deletionFigures));
    const [{ exists }] = await stack.query<{ exists: boolean }>(
      `SELECT to_regclass('audit_events_202401_detached') IS NOT NULL AS exists`,
    );
    expect(exists).toBe(false);
  });

  it('stops when aborted (a shutdown), reporting each store as interrupted and deleting nothing more', async () => {
    await ensureMonths(stack, 'audit_events', '2024-01-01', 1);
    await insertAuditEvent(stack, { id: 'kept-by-abort', occurredAt: '2024-01-10T00:00:00Z', workspace: 'ws-1' });
    const controller = new AbortController();
    controller.abort(new Error('interrupted: the service is stopping'));

    const { outcomes } = await enforceRetention(sql, { ...request({}, false), signal: controller.signal });

    expect(outcomeOf(outcomes, 'auditEvents')).toMatchObject({
      rowsDeleted: 0,
      error: 'interrupted: the service is stopping',
      copies: [{ table: 'audit_event_search', rowsDeleted: 0, error: 'interrupted: the service is stopping' }],
    });
    expect(await ids('audit_events')).toEqual(['kept-by-abort']);
    expect(await ids('audit_event_search')).toEqual(['kept-by-abort']);
  });
});
