/**
 * npm run bench:retention [-- --events N] [-- --months M] [-- --batch-rows R] [-- --keep]
 *
 * Purges one month out of N stored audit events (default 10,000,000 over 10 months) twice, with
 * the retention engine itself: once by deleting the month's rows in batches (what happens when a
 * legal hold keeps one row of that month), once by dropping the month's partition (what happens
 * otherwise), the same rows seeded again in between. Prints each method's duration, its
 * statements, and the longest lock it held: from the timing of the statements that hold an
 * ACCESS EXCLUSIVE or ROW EXCLUSIVE lock, and from pg_locks sampled by a second connection.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, migrateDatabase, withDatabase } from '@meshtrail/database';
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

const fmt = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${ms.toFixed(1)} ms`;

function monthOf(index: number): Date {
  return new Date(Date.UTC(FIRST_MONTH.getUTCFullYear(), FIRST_MONTH.getUTCMonth() + index, 1));
}
function partitionOf(index: number): string {
  const month = monthOf(index);
  return `audit_events_${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The shape of audit_events as the coordination notes fix it, for a branch where the event store has not landed. */
async function createSameShape(sql: Client): Promise<void> {
  await sql.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
  await sql.query(`CREATE SEQUENCE audit_events_seq`);
  await sql.query(`
    CREATE TABLE audit_events (
      seq bigint NOT NULL DEFAULT nextval('audit_events_seq'), id text NOT NULL, occurred_at timestamptz NOT NULL,
      ingested_at timestamptz NOT NULL DEFAULT now(), source text NOT NULL, type text NOT NULL, subject text,
      object_type text NOT NULL, object_id text NOT NULL, object_name text, action text NOT NULL, workspace text,
      actor_kind text NOT NULL, actor_id text NOT NULL, actor_name text, change text NOT NULL,
      changes jsonb NOT NULL DEFAULT '[]', source_ip text, correlation_id text, event jsonb NOT NULL,
      hash text NOT NULL, kafka_topic text NOT NULL, kafka_partition integer NOT NULL, kafka_offset bigint NOT NULL,
      PRIMARY KEY (id, occurred_at)
    ) PARTITION BY RANGE (occurred_at)`);
  await sql.query(`CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT`);
  await sql.query(`CREATE INDEX ON audit_events (occurred_at, seq)`);
  await sql.query(`CREATE INDEX ON audit_events (workspace, occurred_at, seq)`);
  await sql.query(`CREATE INDEX ON audit_events (object_type, action, occurred_at, seq)`);
  await sql.query(`CREATE INDEX ON audit_events (actor_id, occurred_at)`);
  await sql.query(`CREATE INDEX ON audit_events (object_id, occurred_at)`);
  await sql.query(`CREATE INDEX ON audit_events USING gin (lower(change) gin_trgm_ops)`);
  await sql.query(
    `CREATE TABLE audit_event_ids (id text PRIMARY KEY, hash text NOT NULL, occurred_at timestamptz NOT NULL)`,
  );
}

/** The store's indexes, as statements that build the same index on another table. */
async function indexStatementsFor(sql: Client, table: string): Promise<string[]> {
  const { rows } = await sql.query<{ def: string }>(
    `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'audit_events'::regclass`,
  );
  return rows.map((row) => row.def.replace(/ INDEX \S+ ON ONLY (\S+\.)?audit_events /, ` INDEX ON ${table} `));
}

/**
 * Seeds one month with `count` events spread over it, set-based and fast: rows into a bare table,
 * the store's indexes built in bulk, then attached as the month's partition (a CHECK constraint
 * spares the validation scan). Registers their ids as ingestion does.
 */
async function seedMonth(sql: Client, index: number, count: number): Promise<void> {
  const from = monthOf(index);
  const to = monthOf(index + 1);
  const spanMs = to.getTime() - from.getTime();
  const table = `bench_seed_${index}`;
  await sql.query(`CREATE TABLE ${table} (LIKE audit_events INCLUDING DEFAULTS)`);
  await sql.query(
    `INSERT INTO ${table} (id, occurred_at, source, type, subject, object_type, object_id, object_name,
       action, workspace, actor_kind, actor_id, actor_name, change, changes, source_ip, correlation_id, event, hash,
       kafka_topic, kafka_partition, kafka_offset)
     SELECT 'm' || $1 || '-' || n, $2::timestamptz + ((n - 1) * $3 / $4) * interval '1 millisecond', 'meshstack/bench',
       'meshstack.project.updated', 'project-' || (n % 20000), 'Project', 'project-' || (n % 20000),
       'Project ' || (n % 20000), 'updated', 'workspace-' || (n % 200), 'user', 'user-' || (n % 500),
       'Bench User ' || (n % 500), 'changed the quota of Project ' || (n % 20000) || ' to ' || (n % 97),
       jsonb_build_array(jsonb_build_object('field', 'quota', 'from', n % 97, 'to', n % 97 + 1)),
       '10.0.' || (n % 256) || '.' || (n % 200), 'corr-' || n,
       jsonb_build_object('specversion', '1.0', 'id', 'm' || $1 || '-' || n, 'source', 'meshstack/bench',
         'type', 'meshstack.project.updated', 'data', jsonb_build_object('objectId', 'project-' || (n % 20000))),
       md5('m' || $1 || '-' || n), 'audit.events.v1', n % 6, n
     FROM generate_series(1, $4::bigint) n`,
    [index, from, spanMs, count],
  );
  for (const statement of await indexStatementsFor(sql, table)) await sql.query(statement);
  await sql.query(
    `ALTER TABLE ${table} ADD CONSTRAINT ${table}_month CHECK (occurred_at >= $1 AND occurred_at < $2)`
      .replace('$1', `'${from.toISOString()}'`)
      .replace('$2', `'${to.toISOString()}'`),
  );
  await sql.query(
    `ALTER TABLE audit_events ATTACH PARTITION ${table} FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
  );
  await sql.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_month`);
  await sql.query(`ALTER TABLE ${table} RENAME TO ${partitionOf(index)}`);
  await sql.query(
    `INSERT INTO audit_event_ids (id, hash, occurred_at) SELECT id, hash, occurred_at FROM ${partitionOf(index)}`,
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

interface MethodResult {
  outcome: StoreOutcome;
  /** Disk space of the purged month's partition right after the run (0 once dropped). */
  bytesLeft: number;
  totalMs: number;
  statements: Statement[];
  holds: ObservedHold[];
  samples: number;
  intervalMs: number;
}

const REGISTRY = 'audit_event_ids';
const isRegistry = (relation: string) => relation.startsWith(REGISTRY);
const isStore = (relation: string) => relation.startsWith('audit_events') && !isRegistry(relation);

async function partitionBytes(sql: Client): Promise<number> {
  const { rows } = await sql.query<{ bytes: string | null }>(
    `SELECT pg_total_relation_size(to_regclass($1)) AS bytes`,
    [partitionOf(0)],
  );
  return Number(rows[0].bytes ?? 0);
}

/** One enforcement of the audit events policy with the cutoff at the end of the first month. */
async function purgeFirstMonth(sql: Client, databaseUrl: string): Promise<MethodResult> {
  const [{ pid }] = (await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  const statements: Statement[] = [];
  const intervalMs = 2;
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
  const outcome = outcomes[0];
  if (outcome.error) throw new Error(`the retention run failed: ${outcome.error}`);
  const bytesLeft = await partitionBytes(sql);
  return { outcome, totalMs, statements, holds, samples: sampler.samples, intervalMs, bytesLeft };
}

function longest<T extends { ms: number }>(items: T[]): T | undefined {
  return items.reduce<T | undefined>((a, b) => (!a || b.ms > a.ms ? b : a), undefined);
}

const LOCKED_BY: Record<string, string> = {
  'DETACH PARTITION':
    ' (ACCESS EXCLUSIVE on audit_events, its default partition and the month: the lock that blocks readers and writers)',
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

function report(label: string, result: MethodResult): void {
  const { outcome } = result;
  const store = result.statements.filter((s) => !isRegistry(s.relation));
  const registry = result.statements.filter((s) => isRegistry(s.relation));
  const storeEnd = store.length > 0 ? store[store.length - 1].endedAt : 0;
  const longestStore = longest(store);
  const longestRegistry = longest(registry);
  console.log(`\n${label}`);
  console.log(`  month purged from the store  ${seconds(storeEnd)}  (${fmt(outcome.rowsDeleted)} events)`);
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
    `  then the id registry         ${fmt(outcome.registryRowsDeleted)} rows in ${seconds(result.totalMs - storeEnd)}, ` +
      `${fmt(registry.length)} batches, longest ${longestRegistry ? millis(longestRegistry.ms) : '-'}`,
  );
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
    const real = (await sql.query(`SELECT to_regclass('audit_events') IS NOT NULL AS real`)).rows[0].real as boolean;
    if (!real) await createSameShape(sql);
    console.log(`bench:retention — purge one month out of ${fmt(perMonth * MONTHS)} stored audit events`);
    console.log(
      real
        ? '  schema: the real audit_events of the event store migration (partitions, indexes, id registry)'
        : '  schema: audit_events is not migrated on this branch; a table of the same shape created by the bench',
    );
    const seedStart = performance.now();
    await seedMonths(databaseUrl, perMonth);
    // the months after the seeded ones, up to the runs' "now": nothing is created during the runs
    await sql.query(`SELECT meshtrail_ensure_monthly_partitions('audit_events', $1::date, $2)`, [
      monthOf(MONTHS).toISOString().slice(0, 10),
      Math.max(1, 14 - MONTHS),
    ]);
    await sql.query('ANALYZE audit_events');
    await sql.query('ANALYZE audit_event_ids');
    console.log(
      `\r  seeded ${MONTHS} months × ${fmt(perMonth)} events (and their id registry rows) in ${seconds(performance.now() - seedStart)}`,
    );
    console.log(
      `  month purged: ${partitionOf(0)} (${fmt(perMonth)} events); batches of about ${fmt(BATCH_ROWS)} rows`,
    );

    // 1. in batches: a legal hold on one row of that month keeps its partition from being dropped
    await sql.query(
      `INSERT INTO audit_events (id, occurred_at, source, type, object_type, object_id, action, workspace, actor_kind,
         actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
       VALUES ('held', $1, 'bench', 'bench', 'Project', 'p', 'updated', 'ws-held', 'user', 'u', 'held', '{}', 'h', 't', 0, 0)`,
      [monthOf(0)],
    );
    await sql.query(
      `INSERT INTO legal_holds (workspace, reason, placed_by_kind, placed_by_id, placed_by_name, placed_at)
       VALUES ('ws-held', 'bench', 'system', 'bench', 'bench', now())`,
    );
    const batches = await purgeFirstMonth(sql, databaseUrl);
    if (batches.outcome.rowsDeletedInBatches !== perMonth) {
      throw new Error(`expected ${perMonth} rows deleted in batches, got ${batches.outcome.rowsDeletedInBatches}`);
    }

    // 2. the same rows again, no hold: the partition is detached and dropped
    await sql.query(`UPDATE legal_holds SET released_at = now(), released_by_kind = 'system', released_by_id = 'bench',
      released_by_name = 'bench', release_reason = 'bench'`);
    await sql.query(`DELETE FROM audit_events WHERE id = 'held'`);
    await sql.query(`DELETE FROM audit_event_ids WHERE id LIKE 'm0-%'`);
    await sql.query(`ALTER TABLE audit_events DETACH PARTITION ${partitionOf(0)}`);
    await sql.query(`DROP TABLE ${partitionOf(0)}`);
    await seedMonth(sql, 0, perMonth);
    await sql.query(`ANALYZE ${partitionOf(0)}`);
    const drop = await purgeFirstMonth(sql, databaseUrl);
    if (drop.outcome.rowsInDroppedPartitions !== perMonth) {
      throw new Error(
        `expected ${perMonth} rows in the dropped partition, got ${drop.outcome.rowsInDroppedPartitions}`,
      );
    }

    report('deleting the month in batches (ctid block ranges, one short transaction each)', batches);
    report('dropping the month’s partition (DETACH PARTITION + RENAME in one transaction, then DROP TABLE)', drop);
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
