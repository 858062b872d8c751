/**
 * npm run bench:retention [-- --events N] [-- --months M] [-- --batch-rows R] [-- --keep]
 *
 * Purges one month out of N stored audit events (default 10,000,000 over 10 months) twice, with
 * the retention engine itself: once by deleting the month's rows in batches (what happens when a
 * legal hold keeps one row of that month), once by dropping the month's partition (what happens
 * otherwise), the same rows seeded again in between. Each run prunes the read model
 * (audit_event_search) with the store, then the id registry. Prints each method's duration, its
 * statements, and the longest lock it held: from the timing of the statements that hold an
 * ACCESS EXCLUSIVE or ROW EXCLUSIVE lock, and from pg_locks sampled by a second connection.
 *
 * Then the id registry purge side by side: through its BRIN index (as after each method above)
 * and, the index dropped, the sweep of the whole registry it replaces (the month's ids registered
 * again for it). Last, what the index costs the ingest: its registry INSERT with and without it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, migrateDatabase, withDatabase } from '@meshtrail/database';
import { SEARCH_COLUMNS } from '@meshtrail/audit-store';
import { DEFAULT_POLICIES, RETENTION_TABLES, enforceRetention, type StoreOutcome } from '@meshtrail/retention';
import { LockSampler, type ObservedHold } from './lock-sampler';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const EVENTS = option('events', 10_000_000);
const MONTHS = option('months', 10);
const BATCH_ROWS = option('batch-rows', 5000);
const KEEP = args.includes('--keep');
const FIRST_MONTH = new Date('2020-01-01T00:00:00Z');
const AUDIT = RETENTION_TABLES.find((store) => store.kind === 'auditEvents')!;
const REGISTRY = AUDIT.idRegistries![0];
const REGISTRY_INDEX = REGISTRY.timeIndex!;
const COPY = AUDIT.copies![0].table;

const fmt = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${ms.toFixed(1)} ms`;

function monthOf(index: number): Date {
  return new Date(Date.UTC(FIRST_MONTH.getUTCFullYear(), FIRST_MONTH.getUTCMonth() + index, 1));
}
function partitionOf(index: number, table = 'audit_events'): string {
  const month = monthOf(index);
  return `${table}_${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A partitioned table's indexes, as statements that build the same index on another table. */
async function indexStatementsFor(sql: Client, parent: string, table: string): Promise<string[]> {
  const { rows } = await sql.query<{ def: string }>(
    `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = to_regclass($1)`,
    [parent],
  );
  return rows.map((row) =>
    row.def.replace(new RegExp(` INDEX \\S+ ON ONLY (\\S+\\.)?${parent} `), ` INDEX ON ${table} `),
  );
}

/** Attaches a bulk-loaded table as one month of a partitioned table (a CHECK constraint spares the validation scan). */
async function attachMonth(sql: Client, parent: string, table: string, index: number): Promise<void> {
  const from = monthOf(index).toISOString();
  const to = monthOf(index + 1).toISOString();
  for (const statement of await indexStatementsFor(sql, parent, table)) await sql.query(statement);
  await sql.query(
    `ALTER TABLE ${table} ADD CONSTRAINT ${table}_month CHECK (occurred_at >= '${from}' AND occurred_at < '${to}')`,
  );
  await sql.query(`ALTER TABLE ${parent} ATTACH PARTITION ${table} FOR VALUES FROM ('${from}') TO ('${to}')`);
  await sql.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_month`);
  await sql.query(`ALTER TABLE ${table} RENAME TO ${partitionOf(index, parent)}`);
}

/** The id, hash and time of event n of a month, the same whenever they are generated. */
const EVENT_ID = `'m' || $1 || '-' || n`;
const EVENT_TIME = `$2::timestamptz + ((n - 1) * $3 / $4) * interval '1 millisecond'`;

/**
 * Seeds one month with `count` events spread over it, set-based and fast: rows into bare tables,
 * the store's and the read model's indexes built in bulk, then attached as the month's partitions.
 * The ids are registered apart (registerMonth), in time order as ingestion registers them.
 */
async function seedMonth(sql: Client, index: number, count: number): Promise<void> {
  const from = monthOf(index);
  const spanMs = monthOf(index + 1).getTime() - from.getTime();
  const table = `bench_seed_${index}`;
  const copy = `bench_copy_${index}`;
  await sql.query(`CREATE TABLE ${table} (LIKE audit_events INCLUDING DEFAULTS)`);
  await sql.query(
    `INSERT INTO ${table} (id, occurred_at, source, type, subject, object_type, object_id, object_name,
       action, workspace, actor_kind, actor_id, actor_name, change, changes, source_ip, correlation_id, event, hash,
       kafka_topic, kafka_partition, kafka_offset)
     SELECT ${EVENT_ID}, ${EVENT_TIME}, 'meshstack/bench',
       'meshstack.project.updated', 'project-' || (n % 20000), 'Project', 'project-' || (n % 20000),
       'Project ' || (n % 20000), 'updated', 'workspace-' || (n % 200), 'user', 'user-' || (n % 500),
       'Bench User ' || (n % 500), 'changed the quota of Project ' || (n % 20000) || ' to ' || (n % 97),
       jsonb_build_array(jsonb_build_object('field', 'quota', 'from', n % 97, 'to', n % 97 + 1)),
       '10.0.' || (n % 256) || '.' || (n % 200), 'corr-' || n,
       jsonb_build_object('specversion', '1.0', 'id', ${EVENT_ID}, 'source', 'meshstack/bench',
         'type', 'meshstack.project.updated', 'data', jsonb_build_object('objectId', 'project-' || (n % 20000))),
       md5(${EVENT_ID}), 'audit.events.v1', n % 6, n
     FROM generate_series(1, $4::bigint) n`,
    [index, from, spanMs, count],
  );
  // the read model's copy, as the projector makes it
  await sql.query(`CREATE TABLE ${copy} (LIKE ${COPY} INCLUDING DEFAULTS)`);
  await sql.query(`INSERT INTO ${copy} (${SEARCH_COLUMNS}) SELECT ${SEARCH_COLUMNS} FROM ${table} ORDER BY seq`);
  await attachMonth(sql, 'audit_events', table, index);
  await attachMonth(sql, COPY, copy, index);
}

/** Registers the month's ids (as ingestion does, in time order), after whatever the registry holds. */
async function registerMonth(sql: Client, index: number, count: number): Promise<void> {
  const from = monthOf(index);
  const spanMs = monthOf(index + 1).getTime() - from.getTime();
  await sql.query(
    `INSERT INTO audit_event_ids (id, hash, occurred_at)
     SELECT ${EVENT_ID}, md5(${EVENT_ID}), ${EVENT_TIME} FROM generate_series(1, $4::bigint) n`,
    [index, from, spanMs, count],
  );
}

/** Two sessions seed months side by side (bulk GIN builds are single-threaded; the machine has two cores). */
async function seedMonths(databaseUrl: string, perMonth: number): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    const session = new Client({ connectionString: databaseUrl, application_name: 'meshtrail-bench-seed' });
    await session.connect();
    try {
      await session.query(`SET maintenance_work_mem = '512MB'`);
      await session.query(`SET synchronous_commit = off`);
      while (next < MONTHS) {
        const month = next++;
        await seedMonth(session, month, perMonth);
        process.stdout.write(`\r  seeding: ${++done}/${MONTHS} months`);
      }
    } finally {
      await session.end();
    }
  };
  await Promise.all([worker(), worker()]);
}

interface Statement {
  what: string;
  relation: string;
  ms: number;
  /** When it ended, since the run began. */
  endedAt: number;
}

/** Buffer accesses to the registry's heap: all of them, and those not found in shared buffers. */
interface RegistryBuffers {
  touched: number;
  read: number;
}

interface MethodResult {
  outcome: StoreOutcome;
  /** Disk space of the purged month's partition right after the run (0 once dropped). */
  bytesLeft: number;
  totalMs: number;
  statements: Statement[];
  holds: ObservedHold[];
  samples: number;
  intervalMs: number;
  registry: RegistryBuffers;
}

const isRegistry = (relation: string) => relation.startsWith(REGISTRY.table);
const isCopy = (relation: string) => relation.startsWith(COPY);
const isStore = (relation: string) => relation.startsWith('audit_events');

async function partitionBytes(sql: Client): Promise<number> {
  const { rows } = await sql.query<{ bytes: string | null }>(
    `SELECT pg_total_relation_size(to_regclass($1)) AS bytes`,
    [partitionOf(0)],
  );
  return Number(rows[0].bytes ?? 0);
}

/** The registry's buffer counters, every session's counts flushed first. */
async function registryBuffers(sql: Client): Promise<RegistryBuffers> {
  await sql.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await sql.query<{ read: string; hit: string }>(
    `SELECT heap_blks_read AS read, heap_blks_hit AS hit FROM pg_statio_user_tables WHERE relname = $1`,
    [REGISTRY.table],
  );
  return { touched: Number(rows[0].read) + Number(rows[0].hit), read: Number(rows[0].read) };
}

/** One enforcement of the audit events policy with the cutoff at the end of the first month. */
async function purgeFirstMonth(sql: Client, databaseUrl: string): Promise<MethodResult> {
  const [{ pid }] = (await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  const statements: Statement[] = [];
  const intervalMs = 2;
  const buffersBefore = await registryBuffers(sql);
  const sampler = await LockSampler.start(databaseUrl, pid, intervalMs);
  const began = performance.now();
  const note = (what: string, relation: string, ms: number) =>
    statements.push({ what, relation, ms, endedAt: performance.now() - began });
  const { outcomes } = await enforceRetention(sql, {
    // twelve months after the second month began: the first month, and only it, has expired
    now: new Date(Date.UTC(monthOf(1).getUTCFullYear() + 1, monthOf(1).getUTCMonth(), 1)),
    policies: { ...DEFAULT_POLICIES, auditEvents: 12 },
    monthsAhead: 0,
    stores: [AUDIT],
    dryRun: false,
    batchRows: BATCH_ROWS,
    lockTimeoutMs: 5000,
    onStatement: ({ relation, durationMs }) => note('DELETE batch', relation, durationMs),
    onDdl: ({ statement, relation, durationMs }) => note(statement, relation, durationMs),
  });
  const totalMs = performance.now() - began;
  const holds = await sampler.stop();
  const buffersAfter = await registryBuffers(sql);
  const outcome = outcomes[0];
  if (outcome.error) throw new Error(`the retention run failed: ${outcome.error}`);
  const bytesLeft = await partitionBytes(sql);
  const registry = {
    touched: buffersAfter.touched - buffersBefore.touched,
    read: buffersAfter.read - buffersBefore.read,
  };
  return { outcome, totalMs, statements, holds, samples: sampler.samples, intervalMs, bytesLeft, registry };
}

function longest<T extends { ms: number }>(items: T[]): T | undefined {
  return items.reduce<T | undefined>((a, b) => (!a || b.ms > a.ms ? b : a), undefined);
}

const LOCKED_BY: Record<string, string> = {
  'DETACH PARTITION':
    ' (ACCESS EXCLUSIVE on the parent, its default partition and the month: the lock that blocks readers and writers)',
  'DROP TABLE': ' (ACCESS EXCLUSIVE on the detached table only: nobody else uses it)',
};

const MODES: Record<string, string> = { AccessExclusiveLock: 'ACCESS EXCLUSIVE', RowExclusiveLock: 'ROW EXCLUSIVE' };

function sampled(result: MethodResult, relations: (relation: string) => boolean): string {
  return Object.entries(MODES)
    .map(([mode, name]) => {
      const hold = longest(result.holds.filter((h) => h.mode === mode && relations(h.relation)));
      return `${name} ${hold ? `${millis(hold.ms)} (${hold.relation})` : `never seen (held < ${result.intervalMs} ms)`}`;
    })
    .join(', ');
}

/** When the last statement on the store, then the last on its copy, ended (the registry comes after). */
function phaseEnds(result: MethodResult): { store: number; copy: number } {
  const endOf = (of: (relation: string) => boolean, from: number) =>
    result.statements.filter((s) => of(s.relation)).reduce((end, s) => Math.max(end, s.endedAt), from);
  const store = endOf(isStore, 0);
  return { store, copy: endOf(isCopy, store) };
}

function report(label: string, result: MethodResult): void {
  const { outcome } = result;
  const store = result.statements.filter((s) => isStore(s.relation));
  const copy = result.statements.filter((s) => isCopy(s.relation));
  const ends = phaseEnds(result);
  const longestStore = longest(store);
  const [copyOutcome] = outcome.copies;
  console.log(`\n${label}`);
  console.log(`  month purged from the store  ${seconds(ends.store)}  (${fmt(outcome.rowsDeleted)} events)`);
  console.log(`  statements holding its locks ${fmt(store.length)}`);
  console.log(
    `  longest lock, statement time ${longestStore ? `${millis(longestStore.ms)}  ${longestStore.what} on ${longestStore.relation}` : '-'}`,
  );
  for (const ddl of store.filter((s) => s.what !== 'DELETE batch')) {
    console.log(`    ${ddl.what.padEnd(26)} ${millis(ddl.ms)} on ${ddl.relation}${LOCKED_BY[ddl.what] ?? ''}`);
  }
  console.log(`  longest lock, pg_locks       ${sampled(result, isStore)}`);
  console.log(
    `  disk left to VACUUM         ${fmt(Math.round(result.bytesLeft / 1_048_576))} MiB in the month's partition`,
  );
  console.log(
    `  then its copy ${COPY}  ${fmt(copyOutcome.rowsDeleted)} rows in ${seconds(ends.copy - ends.store)}, ` +
      `${fmt(copy.length)} statements, longest lock ${sampled(result, isCopy)}`,
  );
  console.log(
    `  then the id registry         ${fmt(outcome.registryRowsDeleted)} rows in ${seconds(result.totalMs - ends.copy)}`,
  );
}

/** The registry purges side by side: through the BRIN index, and the sweep of the whole registry it replaces. */
function reportRegistry(label: string, columns: Array<[string, MethodResult]>): void {
  const row = (name: string, cell: (result: MethodResult) => string) =>
    console.log(`  ${name.padEnd(38)}${columns.map(([, result]) => cell(result).padStart(26)).join('')}`);
  console.log(`  ${label.padEnd(38)}${columns.map(([name]) => name.padStart(26)).join('')}`);
  row('ids deleted', (r) => fmt(r.outcome.registryRowsDeleted));
  row('time', (r) => seconds(r.totalMs - phaseEnds(r).copy));
  row('DELETE statements', (r) => fmt(r.statements.filter((s) => isRegistry(s.relation)).length));
  row('longest statement', (r) => millis(longest(r.statements.filter((s) => isRegistry(s.relation)))?.ms ?? 0));
  // a DELETE accesses the block of each row it deletes once more: counted apart from the reading
  row('heap blocks read to find and delete', (r) => fmt(r.registry.touched - r.outcome.registryRowsDeleted));
  row('  of which not in shared buffers', (r) => fmt(r.registry.read));
}

/** The ingest's registry INSERT (one transaction per batch), timed statement by statement. */
async function timeRegistryInserts(sql: Client, batches: number, size: number): Promise<number> {
  let ms = 0;
  for (let batch = 0; batch < batches; batch++) {
    const ids = Array.from({ length: size }, () => randomUUID());
    const base = Date.now();
    await sql.query('BEGIN');
    const began = performance.now();
    await sql.query(
      `WITH registered AS (
         INSERT INTO audit_event_ids (id, hash, occurred_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
         ON CONFLICT (id) DO NOTHING RETURNING id)
       SELECT id, nextval('audit_events_seq')::text AS seq FROM registered`,
      [
        [...ids].sort(),
        ids.map((id) => createHash('sha256').update(id).digest('hex')),
        ids.map((_, i) => new Date(base + i)),
      ],
    );
    ms += performance.now() - began;
    await sql.query('COMMIT');
  }
  return ms;
}

/** What the BRIN index costs the hot path: the registry INSERT with and without it, in alternating rounds. */
async function registryInsertCost(sql: Client, definition: string): Promise<void> {
  const rounds = 10;
  const batches = 40;
  const size = 1000;
  const total = { with: 0, without: 0 };
  for (let round = 0; round < rounds; round++) {
    const withIndex = round % 2 === 0;
    // it exists at first; dropped for each round without it, built again for the next
    if (!withIndex) await sql.query(`DROP INDEX ${REGISTRY_INDEX}`);
    else if (round > 0) await sql.query(definition);
    total[withIndex ? 'with' : 'without'] += await timeRegistryInserts(sql, batches, size);
  }
  await sql.query(definition);
  const perId = (ms: number) => (ms * 1000) / ((rounds / 2) * batches * size);
  console.log(
    `\nthe ingest's registry INSERT, ${fmt((rounds / 2) * batches)} batches of ${fmt(size)} ids each way, alternating:`,
  );
  console.log(`  with the BRIN index    ${perId(total.with).toFixed(2)} µs per id`);
  console.log(`  without it             ${perId(total.without).toFixed(2)} µs per id`);
}

/**
 * The registry purge as it was, in the state a method left: the month's ids registered again and
 * the BRIN index dropped, so the engine sweeps the whole registry; the index is built again after.
 */
async function sweepRegistryAsBefore(
  sql: Client,
  databaseUrl: string,
  perMonth: number,
  definition: string,
): Promise<MethodResult> {
  await registerMonth(sql, 0, perMonth);
  await sql.query(`DROP INDEX ${REGISTRY_INDEX}`);
  const sweep = await purgeFirstMonth(sql, databaseUrl);
  await sql.query(definition);
  if (sweep.outcome.registryRowsDeleted !== perMonth) {
    throw new Error(`expected ${perMonth} registry rows deleted, got ${sweep.outcome.registryRowsDeleted}`);
  }
  return sweep;
}

async function main(): Promise<void> {
  if (!Number.isInteger(EVENTS) || EVENTS < MONTHS * 100)
    throw new Error('--events must be an integer of at least 100 per month');
  if (!Number.isInteger(MONTHS) || MONTHS < 2) throw new Error('--months must be an integer of at least 2');
  const perMonth = Math.floor(EVENTS / MONTHS);
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = withDatabase(baseUrl, `meshtrail_bench_retention_${randomBytes(3).toString('hex')}`);
  await migrateDatabase(databaseUrl);
  const sql = new Client({ connectionString: databaseUrl, application_name: 'meshtrail-bench-retention' });
  await sql.connect();
  try {
    console.log(`bench:retention — purge one month out of ${fmt(perMonth * MONTHS)} stored audit events`);
    console.log('  schema: the migrated event store: audit_events, its read model and its id registry');
    const seedStart = performance.now();
    await seedMonths(databaseUrl, perMonth);
    for (let month = 0; month < MONTHS; month++) await registerMonth(sql, month, perMonth);
    // the months after the seeded ones, up to the runs' "now": nothing is created during the runs
    for (const table of ['audit_events', COPY]) {
      await sql.query(`SELECT meshtrail_ensure_monthly_partitions($1, $2::date, $3)`, [
        table,
        monthOf(MONTHS).toISOString().slice(0, 10),
        Math.max(1, 14 - MONTHS),
      ]);
    }
    await sql.query(`ANALYZE audit_events`);
    await sql.query(`ANALYZE ${COPY}`);
    // what autovacuum does for a table appended to: statistics, and every full BRIN range summarized
    await sql.query(`VACUUM ANALYZE ${REGISTRY.table}`);
    console.log(
      `\r  seeded ${MONTHS} months × ${fmt(perMonth)} events (their read model copy and id registry rows) in ${seconds(performance.now() - seedStart)}`,
    );
    console.log(
      `  month purged: ${partitionOf(0)} (${fmt(perMonth)} events); batches of about ${fmt(BATCH_ROWS)} rows`,
    );
    const [{ def: registryIndex }] = (
      await sql.query<{ def: string }>(`SELECT pg_get_indexdef(to_regclass($1)) AS def`, [REGISTRY_INDEX])
    ).rows;

    // 1. in batches: a legal hold on one row of that month keeps its partitions from being dropped
    await sql.query(
      `INSERT INTO audit_events (id, occurred_at, source, type, object_type, object_id, action, workspace, actor_kind,
         actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
       VALUES ('held', $1, 'bench', 'bench', 'Project', 'p', 'updated', 'ws-held', 'user', 'u', 'held', '{}', 'h', 't', 0, 0)`,
      [monthOf(0)],
    );
    await sql.query(
      `INSERT INTO ${COPY} (${SEARCH_COLUMNS}) SELECT ${SEARCH_COLUMNS} FROM audit_events WHERE id = 'held'`,
    );
    await sql.query(
      `INSERT INTO legal_holds (workspace, reason, placed_by_kind, placed_by_id, placed_by_name, placed_at)
       VALUES ('ws-held', 'bench', 'system', 'bench', 'bench', now())`,
    );
    const batches = await purgeFirstMonth(sql, databaseUrl);
    if (batches.outcome.rowsDeletedInBatches !== perMonth) {
      throw new Error(`expected ${perMonth} rows deleted in batches, got ${batches.outcome.rowsDeletedInBatches}`);
    }
    const batchesSweep = await sweepRegistryAsBefore(sql, databaseUrl, perMonth, registryIndex);

    // 2. the same rows again, no hold: the partitions are detached and dropped
    await sql.query(`UPDATE legal_holds SET released_at = now(), released_by_kind = 'system', released_by_id = 'bench',
      released_by_name = 'bench', release_reason = 'bench'`);
    for (const table of ['audit_events', COPY]) {
      await sql.query(`DELETE FROM ${table} WHERE id = 'held'`);
      await sql.query(`ALTER TABLE ${table} DETACH PARTITION ${partitionOf(0, table)}`);
      await sql.query(`DROP TABLE ${partitionOf(0, table)}`);
    }
    await sql.query(`DELETE FROM audit_event_ids WHERE id LIKE 'm0-%'`);
    await seedMonth(sql, 0, perMonth);
    await registerMonth(sql, 0, perMonth);
    await sql.query(`ANALYZE ${partitionOf(0)}`);
    await sql.query(`ANALYZE ${partitionOf(0, COPY)}`);
    const drop = await purgeFirstMonth(sql, databaseUrl);
    if (drop.outcome.rowsInDroppedPartitions !== perMonth) {
      throw new Error(
        `expected ${perMonth} rows in the dropped partition, got ${drop.outcome.rowsInDroppedPartitions}`,
      );
    }

    const dropSweep = await sweepRegistryAsBefore(sql, databaseUrl, perMonth, registryIndex);
    const [{ rows: registryRows, blocks: registryBlocks }] = (
      await sql.query<{ rows: string; blocks: string }>(
        `SELECT (SELECT count(*) FROM audit_event_ids) AS rows,
                pg_relation_size('audit_event_ids') / current_setting('block_size')::int AS blocks`,
      )
    ).rows;

    report('deleting the month in batches (ctid block ranges, one short transaction each)', batches);
    report('dropping the month’s partition (DETACH PARTITION + RENAME in one transaction, then DROP TABLE)', drop);
    console.log(
      `\nthe id registry purge: ${fmt(Number(registryRows))} ids, ${fmt(Number(registryBlocks))} heap blocks`,
    );
    reportRegistry('after deleting the month in batches', [
      ['BRIN ranges (now)', batches],
      ['whole registry (before)', batchesSweep],
    ]);
    reportRegistry('after dropping the month’s partition', [
      ['BRIN ranges (now)', drop],
      ['whole registry (before)', dropSweep],
    ]);
    await registryInsertCost(sql, registryIndex);
  } finally {
    await sql.end();
    if (KEEP) console.log(`\nkept the database: ${databaseUrl}`);
    else await dropDatabase(databaseUrl);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
