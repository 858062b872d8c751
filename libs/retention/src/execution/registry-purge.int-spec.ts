import { Client } from 'pg';
import { waitFor } from '../../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { insertHold } from '../legal-hold/legal-hold.store';
import type { StorePlan } from '../planning/retention-plan';
import { RETENTION_TABLES } from '../registry/retention-tables';
import { executePlan } from './execute-plan';

const AUDIT = RETENTION_TABLES.find((store) => store.kind === 'auditEvents')!;
const REGISTRY = AUDIT.idRegistries![0];
const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test' };
const FIRST_MONTH = '2024-12-01T00:00:00Z';
const END = '2026-12-01T00:00:00Z';
const now = new Date('2026-01-01T00:00:00Z');
/** Twelve months before `now`: the registry's first month, and only it, has expired. */
const cutoff = new Date('2025-01-01T00:00:00Z');

/** A plan that leaves the store as it is and purges its id registry: the store rows there are what the purge must respect. */
function registryOnly(at: Date): StorePlan {
  return {
    kind: AUDIT.kind,
    table: AUDIT.table,
    timeColumn: AUDIT.timeColumn,
    workspaceColumn: AUDIT.workspaceColumn,
    retentionMonths: 12,
    cutoff: at,
    drop: [],
    dropDetached: [],
    sweep: [],
    idRegistries: [REGISTRY],
    copies: [],
  };
}

describe('the id registry purge (real PostgreSQL, the real registry and its BRIN index)', () => {
  let stack: TestStack;
  let sql: Client;

  beforeEach(async () => {
    stack = await createTestStack('registrypurge');
    sql = new Client({ connectionString: stack.databaseUrl });
    await sql.connect();
  });
  afterEach(async () => {
    await sql.end();
    await stack.teardown();
  });

  /** `count` ids registered in time order over the 24 months up to END, as ingest appends them. */
  async function register(count: number): Promise<void> {
    // autovacuum would step in at moments of its own: the test summarizes when it means to
    await stack.query(`ALTER TABLE audit_event_ids SET (autovacuum_enabled = false)`);
    const spanMs = new Date(END).getTime() - new Date(FIRST_MONTH).getTime();
    await stack.query(
      `INSERT INTO audit_event_ids (id, hash, occurred_at)
       SELECT 'r-' || lpad(n::text, 7, '0'), md5(n::text) || md5((-n)::text),
              $1::timestamptz + ((n - 1) * $2 / $3) * interval '1 millisecond'
         FROM generate_series(1, $3::bigint) n`,
      [FIRST_MONTH, spanMs, count],
    );
  }

  /** Stores the events of registered ids (an event and its registration share id and time). */
  async function storeEventsOf(ids: string[], workspace: string): Promise<void> {
    await stack.query(
      `INSERT INTO audit_events (id, occurred_at, source, type, object_type, object_id, action, workspace,
         actor_kind, actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
       SELECT id, occurred_at, 'test', 'meshstack.project.created', 'Project', id, 'created', $2, 'system', 'test',
         'created', '{}', hash, 'audit.events.v1', 0, 0
         FROM audit_event_ids WHERE id = ANY($1::text[])`,
      [ids, workspace],
    );
  }

  /** Buffer accesses to the registry's heap so far (read or found in cache), by every session. */
  async function registryBlocksTouched(): Promise<number> {
    // a session's counters reach the shared statistics when it goes idle, at most once a second
    // unless forced: the test's own queries run on the stack's session
    await stack.query('SELECT pg_stat_force_next_flush()');
    await sql.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await sql.query<{ n: string }>(
      `SELECT heap_blks_read + heap_blks_hit AS n FROM pg_statio_user_tables WHERE relname = $1`,
      [REGISTRY.table],
    );
    return Number(rows[0].n);
  }

  async function registryBlocks(): Promise<number> {
    const { rows } = await sql.query<{ n: string }>(
      `SELECT pg_relation_size(to_regclass($1)) / current_setting('block_size')::int AS n`,
      [REGISTRY.table],
    );
    return Number(rows[0].n);
  }

  const expiredIds = async () =>
    (
      await stack.query<{ id: string }>(`SELECT id FROM audit_event_ids WHERE occurred_at < $1 ORDER BY id`, [cutoff])
    ).map((row) => row.id);
  const registered = async () => Number((await stack.query(`SELECT count(*) AS n FROM audit_event_ids`))[0].n);

  async function purge(at = cutoff) {
    const before = await registryBlocksTouched();
    const [outcome] = await executePlan(
      sql,
      { now, stores: [registryOnly(at)] },
      { dryRun: false, batchRows: 5000, lockTimeoutMs: 2000 },
    );
    expect(outcome.error).toBeUndefined();
    return { deleted: outcome.registryRowsDeleted, blocksTouched: (await registryBlocksTouched()) - before };
  }

  /**
   * Waits until no snapshot can see rows deleted so far, wherever it is: until every transaction
   * that got an id before now has finished, in any database of the cluster (a snapshot taken here,
   * the purge's own included, counts a transaction still running elsewhere as in progress, and so
   * still sees the rows it deleted since), and no other session of this database holds a snapshot
   * from before now. Only then does a summary leave the deleted rows out. The tests share the
   * cluster with other databases and their long transactions.
   */
  async function noSnapshotSeesDeletesSoFar(): Promise<void> {
    const [{ bar }] = await stack.query<{ bar: string }>(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS bar`);
    // older than the bar: a transaction id anywhere, or a snapshot's xmin in this database
    const holders = `SELECT string_agg(format('pid %s in %s, transaction since %s', pid, datname, xact_start), '; ')
        FROM pg_stat_activity, LATERAL (SELECT ($1::text::bigint % 4294967296)::text::xid AS bar) b
       WHERE pid <> pg_backend_pid()
         AND (age(backend_xid) > age(b.bar) OR (datname = current_database() AND age(backend_xmin) > age(b.bar)))`;
    await waitFor(
      `every snapshot that could see rows deleted before xid ${bar} to end`,
      async () => {
        const { rows } = await sql.query<{ passed: boolean; holders: string | null }>(
          `SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::text::xid8 AS passed, (${holders}) AS holders`,
          [bar],
        );
        if (rows[0].passed && rows[0].holders === null) return true;
        throw new Error(`still open: ${rows[0].holders ?? 'a prepared transaction'}`);
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
  }

  /** What autovacuum does for a table appended to: every full range summarized. */
  const summarizeAsAutovacuumWould = () => stack.query(`VACUUM ${REGISTRY.table}`);

  it('removes exactly the expired ids whose events are gone, reading only the ranges that may hold expired ids', async () => {
    // given 240,000 ids over 24 months, the first month expired
    await register(240_000);
    // one expired id registered late, at the registry's end: its event came in long after it happened
    await stack.query(
      `INSERT INTO audit_event_ids (id, hash, occurred_at) VALUES ('late-expired', 'h', '2024-12-20T00:00:00Z')`,
    );
    // two expired events still stored: one of a held workspace, one stored after the store was swept
    await storeEventsOf(['r-0000010'], 'ws-held');
    await storeEventsOf(['r-0000020'], 'ws-free');
    await insertHold(sql, { workspace: 'ws-held', reason: 'litigation', by: SYSTEM, at: now });
    await summarizeAsAutovacuumWould();
    const expired = await expiredIds();
    const total = await registered();
    expect(expired.length).toBeGreaterThan(9000);
    expect(expired).toContain('late-expired');
    const blocks = await registryBlocks();

    // when
    const first = await purge();

    // then every expired id whose event is gone went, and nothing else
    expect(first.deleted).toBe(expired.length - 2);
    expect(await expiredIds()).toEqual(['r-0000010', 'r-0000020']);
    expect(await registered()).toBe(total - first.deleted);
    // and the purge read the ranges holding the first month and the late id, not the registry:
    // (found, deleted from, summarized again: three passes over a few ranges); besides two accesses
    // per deleted row (the DELETE's own, and the copy of the row the recorded-cutoff trigger's
    // transition table takes), a sweep of the whole registry touches all its blocks
    expect(blocks).toBeGreaterThan(3000);
    const perDeletedRow = 2;
    expect(first.blocksTouched - perDeletedRow * first.deleted).toBeGreaterThan(0);
    expect(first.blocksTouched - perDeletedRow * first.deleted).toBeLessThan(blocks / 2);

    // the next run summarizes the ranges it deleted from afresh (once), finding nothing more; a
    // week later no snapshot from before the deletes is left to make a summary count them
    await noSnapshotSeesDeletesSoFar();
    const second = await purge();
    expect(second.deleted).toBe(0);
    expect(second.blocksTouched).toBeLessThan(blocks / 3);
    // and the run after reads only about the range holding the two ids kept
    const third = await purge();
    expect(third.deleted).toBe(0);
    expect(third.blocksTouched).toBeLessThan(blocks / 10);
  });

  it('summarizes every range afresh when summaries still count deleted ids, so later purges read little again', async () => {
    // given 120,000 ids, four months of them expired by the later cutoff
    await register(120_000);
    await summarizeAsAutovacuumWould();
    const later = new Date('2025-04-01T00:00:00Z');
    const blocks = await registryBlocks();
    // a snapshot older than the deletes (a long report, a backup) still open when the next run
    // summarizes the ranges deleted from: their summaries still count the deleted ids
    const reader = new Client({ connectionString: stack.databaseUrl });
    await reader.connect();
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query('SELECT count(*) FROM audit_event_ids');
      expect((await purge(later)).deleted).toBeGreaterThan(15_000);
      expect((await purge(later)).deleted).toBe(0);
      await reader.query('COMMIT');
    } finally {
      await reader.end();
    }
    // and every other snapshot that could still see the deleted ids has ended too
    await noSnapshotSeesDeletesSoFar();

    // when the next run finds those ranges hold nothing expired, it summarizes every range afresh
    // (one read of the registry)
    const repairing = await purge(later);
    expect(repairing.deleted).toBe(0);
    expect(repairing.blocksTouched).toBeGreaterThanOrEqual(blocks);

    // and the run after reads next to nothing
    const repaired = await purge(later);
    expect(repaired.deleted).toBe(0);
    expect(repaired.blocksTouched).toBeLessThan(blocks / 10);
  });
});
