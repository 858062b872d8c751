import { Client, type QueryResultRow } from 'pg';
import { rowsOf, withDatabase, type SqlQueries } from '@meshtrail/database';
import { validateAuditEvent } from '@meshtrail/contracts';
import { waitFor } from '../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { storeAuditEvents } from './audit-event.store';
import { readTrailAfter, type TrailPage, type TrailScope } from './read-trail';
import type { IncomingAuditEvent } from './stored-audit-event';
import { compareTrailPositions, type TrailPosition } from './trail-position';

const now = new Date();
let offset = 0;

function incoming(id: string, workspace = 'acme'): IncomingAuditEvent {
  const result = validateAuditEvent(
    {
      specversion: '1.0',
      id,
      source: 'test',
      type: 'meshstack.project.updated',
      time: new Date(now.getTime() - 60_000).toISOString(),
      data: {
        objectType: 'Project',
        objectId: id,
        action: 'updated',
        workspace,
        actor: { kind: 'system', id: 'replicator', displayName: 'Replicator' },
        change: 'something happened',
      },
    },
    { now, maxFutureSkewMs: 60_000 },
  );
  if (!result.ok) throw new Error(result.message);
  return { ...result, topic: 'audit.events.v1', partition: 0, offset: String(offset++) };
}

const ALL: TrailScope = { all: true };
type Row = { id: string };

describe('readTrailAfter: the trail in commit order (real PostgreSQL)', () => {
  let stack: TestStack;
  let writer: Client;
  let late: Client;
  let db: SqlQueries;
  let reader: Client;

  /** Every entry from `after` to the current end, page by page; the last page's position too. */
  async function readToEnd(
    scope: TrailScope,
    { after, limit = 3, scanRows }: { after?: TrailPosition; limit?: number; scanRows?: number } = {},
  ): Promise<{ ids: string[]; next?: TrailPosition; pages: number }> {
    const ids: string[] = [];
    let position = after;
    for (let pages = 1; pages < 1000; pages++) {
      const page: TrailPage<Row> = await readTrailAfter(db, position, limit, scope, { columns: 'id', scanRows });
      ids.push(...page.entries.map((e) => e.row.id));
      position = page.next;
      if (!page.more) return { ids, next: position, pages };
    }
    throw new Error('too many pages');
  }

  /**
   * readToEnd once the trail shows `count` rows: other suites' transactions in the same cluster
   * hold the feed back for a moment (once read, rows stay readable).
   */
  function readOnce(count: number, scope: TrailScope = ALL, options: Parameters<typeof readToEnd>[1] = {}) {
    return waitFor(`${count} rows in the trail`, async () => {
      const read = await readToEnd(scope, options);
      return read.ids.length >= count ? read : undefined;
    });
  }

  beforeAll(async () => {
    stack = await createTestStack('readtrail');
    [writer, late, reader] = [0, 1, 2].map(() => new Client({ connectionString: stack.databaseUrl }));
    await Promise.all([writer.connect(), late.connect(), reader.connect()]);
    db = rowsOf(reader);
  });
  afterAll(async () => {
    await Promise.all([writer.end(), late.end(), reader.end()]);
    await stack.teardown();
  });
  beforeEach(async () => {
    await stack.query('TRUNCATE audit_events, audit_event_ids');
  });

  it('gives rows stored before commit order was recorded (xact_id 0) first, in seq order, then transaction by transaction', async () => {
    await storeAuditEvents(writer, [incoming('t1-a'), incoming('t1-b')]);
    await storeAuditEvents(writer, [incoming('t2-a')]);
    // written after the others, as a migrated store's rows are numbered: their seq is the highest
    for (const id of ['legacy-1', 'legacy-2']) {
      await stack.query(
        `INSERT INTO audit_events (xact_id, id, occurred_at, source, type, object_type, object_id, action,
           actor_kind, actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
         VALUES ('0', $1, now(), 'test', 't', 'Project', $1, 'updated', 'system', 's', 'c', '{}', 'h', 'x', 0, 0)`,
        [id],
      );
    }
    const { ids } = await readOnce(5, ALL, { limit: 2 });
    expect(ids).toEqual(['legacy-1', 'legacy-2', 't1-a', 't1-b', 't2-a']);
    const positions = (await readTrailAfter<Row>(db, undefined, 10, ALL, { columns: 'id' })).entries.map(
      (e) => e.position,
    );
    expect(positions.slice(0, 2).map((p) => p.xactId)).toEqual(['0', '0']);
    for (let i = 1; i < positions.length; i++) {
      expect(compareTrailPositions(positions[i - 1], positions[i])).toBeLessThan(0);
    }
  });

  it('never skips a row that commits after a later writer: it waits below the oldest transaction in flight', async () => {
    await storeAuditEvents(writer, [incoming('before')]);
    const start = await readOnce(1);
    expect(start.ids).toEqual(['before']);

    // a writer that began first and commits last
    await late.query('BEGIN');
    await late.query(`SET LOCAL ROLE meshtrail_ingest`);
    await late.query(
      `INSERT INTO audit_events (id, occurred_at, source, type, object_type, object_id, action,
         actor_kind, actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
       VALUES ('slow', now(), 'test', 't', 'Project', 'slow', 'updated', 'system', 's', 'c', '{}', 'h', 'x', 0, 0)`,
    );
    await storeAuditEvents(writer, [incoming('quick-1'), incoming('quick-2')]);

    // committed rows are there, but behind a writer still in flight: the feed holds them back
    const held = await readTrailAfter<Row>(db, start.next, 10, ALL, { columns: 'id' });
    expect(held).toEqual({ entries: [], next: start.next, more: false });

    await late.query('COMMIT');
    // other suites' transactions in the same cluster may hold the feed back a little longer
    const after = await readOnce(3, ALL, { after: start.next, limit: 2 });
    expect(after.ids).toEqual(['slow', 'quick-1', 'quick-2']);
  });

  it('holds back for a transaction in flight in another database of the cluster, and goes on once it ends', async () => {
    const elsewhere = new Client({ connectionString: withDatabase(stack.databaseUrl, 'postgres') });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      // takes a transaction id, as any writing transaction does
      await elsewhere.query('SELECT pg_current_xact_id()');
      await storeAuditEvents(writer, [incoming('while-open')]);
      expect((await readToEnd(ALL)).ids).toEqual([]);
      await elsewhere.query('COMMIT');
      expect((await readOnce(1)).ids).toEqual(['while-open']);
    } finally {
      await elsewhere.end();
    }
  });

  it('reads a scope by looking through at most scanRows rows a call, so quiet workspaces cost little', async () => {
    const events = Array.from({ length: 20 }, (_, i) => incoming(`e${i}`, i % 5 === 0 ? 'ws-x' : `ws-${i % 3}`));
    for (let i = 0; i < events.length; i += 4) await storeAuditEvents(writer, events.slice(i, i + 4));
    const everything = await readOnce(20);
    const inX = events.filter((e) => e.event.data.workspace === 'ws-x').map((e) => e.event.id);

    const quiet = await readToEnd({ all: false, workspaces: ['ws-quiet'] }, { scanRows: 3 });
    expect(quiet.ids).toEqual([]);
    // each call looked through 3 rows and moved on; the last one reached the end
    expect(quiet.pages).toBe(Math.ceil(20 / 3));
    expect(quiet.next).toEqual(everything.next);
    const again = await readTrailAfter<Row>(db, quiet.next, 5, { all: false, workspaces: ['ws-quiet'] }, {});
    expect(again).toEqual({ entries: [], next: quiet.next, more: false });

    for (const [limit, scanRows] of [
      [1, 1],
      [2, 3],
      [3, 50],
    ]) {
      const scoped = await readToEnd({ all: false, workspaces: ['ws-x'] }, { limit, scanRows });
      expect(scoped.ids).toEqual(inX);
      expect(scoped.next).toEqual(everything.next);
    }
    const two = await readToEnd({ all: false, workspaces: ['ws-x', 'ws-1'] }, { limit: 2, scanRows: 4 });
    expect(two.ids).toEqual(
      everything.ids.filter((id) =>
        ['ws-x', 'ws-1'].includes(events.find((e) => e.event.id === id)!.event.data.workspace!),
      ),
    );
  });

  it('reads through the commit-order index, the months merged in order: the trail is never sorted, no month scanned whole', async () => {
    // two months of rows, enough that the planner would rather sort if it could not read in order
    await stack.query(
      `INSERT INTO audit_events (id, occurred_at, source, type, object_type, object_id, action, workspace,
         actor_kind, actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
       SELECT 'bulk-' || g, now() - (g % 2) * interval '32 days', 'test', 't', 'Project', 'o', 'updated',
              'ws-' || (g % 200), 'system', 's', 'c', '{}', 'h', 'x', 0, g
       FROM generate_series(1, 40000) g`,
    );
    await stack.query('ANALYZE audit_events');
    const plans: string[] = [];
    const explaining: SqlQueries = {
      query: async <T extends QueryResultRow>(sql: string, params?: unknown[]) => {
        const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
        plans.push(plan.map((line) => line['QUERY PLAN']).join('\n'));
        return db.query<T>(sql, params);
      },
    };
    await readTrailAfter(explaining, undefined, 1000, ALL, { columns: 'id' });
    await readTrailAfter(explaining, undefined, 1000, { all: false, workspaces: ['ws-7'] }, { columns: 'id' });
    const [all, scoped] = plans;
    const months = await stack.query<{ part: string }>(
      'SELECT DISTINCT tableoid::regclass::text AS part FROM audit_events',
    );
    expect(months).toHaveLength(2);
    const scannedWhole = (plan: string) => months.filter(({ part }) => plan.includes(`Seq Scan on ${part} `));
    expect(all).toMatch(/Merge Append/);
    expect(all).toMatch(/Index Scan using audit_events_\w+_xact_id_seq_idx/);
    expect(all).not.toMatch(/Sort(?! Key)/);
    expect(scannedWhole(all)).toEqual([]);
    // the scan window: the commit-order index in order; the scope's rows: only up to the window's end
    expect(scoped).toMatch(/Merge Append/);
    expect(scoped).toMatch(/Index Only Scan using audit_events_\w+_xact_id_seq_idx/);
    expect(scoped).toMatch(/ROW\(xact_id, seq\) <= ROW\(w\.xact_id, w\.seq\)/);
    expect(scannedWhole(scoped)).toEqual([]);
  });
});
