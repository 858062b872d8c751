/**
 * npm run bench:query [-- --events 5000000 --iterations 200 --reseed]
 *
 * Seeds an event store of --events audit events (default 5,000,000; kept between runs in a
 * database named after the size), starts the compiled gateway against it, and measures what
 * clients see over HTTP: p50/p95/p99 latency of the typical page queries, the export rate in
 * rows/s (two months in both formats, then the whole store as NDJSON) and the gateway's resident
 * memory while it exports. Every request is authenticated (API keys) and audited (AuditLogViewed
 * to Kafka), as in production.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { ApiKeyStore } from '@meshtrail/auth';
import { migrateDatabase, withDatabase, withDatabaseConnection } from '@meshtrail/database';
import { createKafkaClient, KafkaAdmin } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import { GatewayProcess } from './support/gateway-process';
import { summarise, type LatencySummary } from './support/percentiles';
import { processMemoryMiB, sampleResidentMemory } from './support/process-memory';
import { monthStart, seedAuditEvents, WORKSPACES, ACTORS } from './support/seed-audit-events';

const ROOT = path.resolve(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '5000000' },
    iterations: { type: 'string', default: '200' },
    reseed: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const ITERATIONS = Number(args.iterations);
if (!Number.isInteger(EVENTS) || EVENTS < 12_000) throw new Error('--events must be an integer of at least 12000');
if (!Number.isInteger(ITERATIONS) || ITERATIONS < 10) throw new Error('--iterations must be an integer of at least 10');

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseUrl = withDatabase(serverUrl, `meshtrail_bench_query_${EVENTS}`);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const topicPrefix = 'bench-query.';
const log = (line: string) => process.stdout.write(`${line}\n`);

async function prepareStore(): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  const name = `meshtrail_bench_query_${EVENTS}`;
  if (args.reseed) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  await migrateDatabase(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const [{ count }] = (await db.query<{ count: string }>(`SELECT count(*)::text AS count FROM audit_event_ids`)).rows;
    if (Number(count) === EVENTS) {
      log(`event store: ${EVENTS.toLocaleString('en')} events already seeded in ${name} (--reseed to rebuild)`);
      return;
    }
    if (Number(count) !== 0) throw new Error(`${name} holds ${count} events, not ${EVENTS}: run with --reseed`);
    log(`seeding ${EVENTS.toLocaleString('en')} events into ${name} (set-based SQL, indexes built per month)...`);
    const started = Date.now();
    await seedAuditEvents(db, EVENTS, log);
    const seconds = (Date.now() - started) / 1000;
    const [{ trail, search }] = (
      await db.query<{ trail: string; search: string }>(
        `SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid)) FILTER (WHERE inhparent = 'audit_events'::regclass)) AS trail,
                pg_size_pretty(sum(pg_total_relation_size(inhrelid)) FILTER (WHERE inhparent = 'audit_event_search'::regclass)) AS search
         FROM pg_inherits`,
      )
    ).rows;
    log(
      `seeded in ${seconds.toFixed(0)} s (${Math.round(EVENTS / seconds).toLocaleString('en')} events/s): the trail ${trail}, the read model ${search}, with indexes`,
    );
  } finally {
    await db.end();
  }
}

async function createKeys(): Promise<{ admin: string; manager: string; managerWorkspaces: string[] }> {
  const settings = { url: databaseUrl, poolMax: 1, applicationName: 'meshtrail-bench-query' };
  return withDatabaseConnection(settings, async (db) => {
    const store = new ApiKeyStore(db);
    const managerWorkspaces = ['ws-0007', 'ws-0123', 'ws-0456'];
    const admin = await store.create('bench-admin', { admin: true, workspaces: [] }, 'bench');
    const manager = await store.create('bench-manager', { admin: false, workspaces: managerWorkspaces }, 'bench');
    return { admin: admin.key, manager: manager.key, managerWorkspaces };
  });
}

async function provision(): Promise<void> {
  const admin = new KafkaAdmin(createKafkaClient({ KAFKA_BROKERS: brokers, KAFKA_SSL: false }, 'bench-query'));
  await admin.provision(
    planTopics({
      prefix: topicPrefix,
      partitions: 3,
      replicationFactor: 1,
      retentionHours: 1,
      deadLetterRetentionHours: 24,
      telemetryRetentionHours: 1,
    }),
  );
  await admin.close();
}

const pick = <T>(items: readonly T[], i: number) => items[(i * 7 + 3) % items.length];
const pad = (n: number) => String(n).padStart(4, '0');

async function main(): Promise<void> {
  await prepareStore();
  await provision();
  const keys = await createKeys();
  const gateway = await GatewayProcess.start(ROOT, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    QUERY_CURSOR_SECRET: 'bench-query-cursor-secret-0123456789abcdef',
    API_RATE_LIMIT_PER_MINUTE: '10000000',
    API_RATE_LIMIT_BURST: '1000000',
  });
  try {
    const get = async (key: string, pathAndQuery: string) => {
      const started = performance.now();
      const res = await fetch(`${gateway.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await res.json()) as { events: unknown[]; nextCursor: string | null };
      const ms = performance.now() - started;
      if (res.status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 200)); // the gateway logs the error after answering
        throw new Error(`${pathAndQuery}: HTTP ${res.status} ${JSON.stringify(body)}\n${gateway.recentLog()}`);
      }
      return { ms, body };
    };
    const measure = async (
      name: string,
      request: (i: number) => Promise<{ ms: number; body: { events: unknown[] } }>,
      iterations = ITERATIONS,
    ) => {
      for (let i = 0; i < 10; i++) await request(i + 100_000); // warm-up
      const samples: number[] = [];
      let rows = 0;
      for (let i = 0; i < iterations; i++) {
        const { ms, body } = await request(i);
        samples.push(ms);
        rows += body.events.length;
      }
      return { name, summary: summarise(samples), rowsPerQuery: rows / iterations };
    };

    const results: Array<{ name: string; summary: LatencySummary; rowsPerQuery: number }> = [];
    const workspace = (i: number) => `ws-${pad((i * 37) % WORKSPACES)}`;
    const actor = (i: number) => `user-${pad((i * 53) % ACTORS)}@example.com`;
    results.push(
      await measure("a workspace's latest page (50)", (i) =>
        get(keys.admin, `/api/v1/workspaces/${workspace(i)}/events?limit=50`),
      ),
    );
    results.push(
      await measure('manager (3 workspaces), latest page (50)', () => get(keys.manager, `/api/v1/events?limit=50`)),
    );
    const types = ['Project', 'LandingZone', 'Tenant', 'BuildingBlock', 'User'];
    const actions = ['created', 'deleted', 'updated'];
    results.push(
      await measure('objectType + action (50)', (i) =>
        get(keys.admin, `/api/v1/events?limit=50&objectType=${pick(types, i)}&action=${pick(actions, i + 1)}`),
      ),
    );
    results.push(
      await measure('change substring, common (50)', (i) =>
        get(
          keys.admin,
          `/api/v1/events?limit=50&change=${encodeURIComponent(pick(['landing zone', 'workspace manager', 'quota of project'], i))}`,
        ),
      ),
    );
    results.push(
      await measure('change substring, one landing zone (50)', (i) =>
        get(
          keys.admin,
          // the id bounded on both sides ('lz-12 in', not 'lz-12', which is also the start of lz-120...)
          `/api/v1/events?limit=50&change=${encodeURIComponent(`landing zone lz-${(i * 7919) % 50000} in`)}`,
        ),
      ),
    );
    results.push(
      await measure('change substring in a workspace (50)', (i) =>
        get(
          keys.admin,
          `/api/v1/workspaces/${workspace(i)}/events?limit=50&change=${encodeURIComponent('project p-')}`,
        ),
      ),
    );
    results.push(
      await measure('manager (3 workspaces), change substring (50)', (i) =>
        get(
          keys.manager,
          `/api/v1/events?limit=50&change=${encodeURIComponent(pick(['project p-', 'lz-1', 'cc-3'], i))}`,
        ),
      ),
    );
    results.push(
      await measure('an actor (50)', (i) =>
        get(keys.admin, `/api/v1/events?limit=50&actor=${encodeURIComponent(actor(i))}`),
      ),
    );
    results.push(
      await measure('q: action + objectType + workspace (50)', (i) =>
        get(
          keys.admin,
          `/api/v1/events?limit=50&q=${encodeURIComponent(`action:deleted objectType:Project workspace:${workspace(i)}`)}`,
        ),
      ),
    );

    // a page deep behind a cursor: walk 200 pages of 50 into the whole trail, then keep paging
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const { body } = await get(
        keys.admin,
        `/api/v1/events?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      cursor = body.nextCursor;
    }
    results.push(
      await measure('page 200+ behind a cursor (50)', async () => {
        const result = await get(keys.admin, `/api/v1/events?limit=50&cursor=${encodeURIComponent(cursor!)}`);
        cursor = result.body.nextCursor;
        return result;
      }),
    );
    // the same deep in one workspace's trail
    let wsCursor: string | null = null;
    for (let page = 0; page < 40; page++) {
      const { body } = await get(
        keys.admin,
        `/api/v1/workspaces/ws-0042/events?limit=50${wsCursor ? `&cursor=${encodeURIComponent(wsCursor)}` : ''}`,
      );
      wsCursor = body.nextCursor;
    }
    results.push(
      await measure("page 40+ of a workspace's trail (50)", async () => {
        const result = await get(
          keys.admin,
          `/api/v1/workspaces/ws-0042/events?limit=50${wsCursor ? `&cursor=${encodeURIComponent(wsCursor)}` : ''}`,
        );
        wsCursor = result.body.nextCursor;
        return result;
      }),
    );

    // texts no index narrows: every change line of the store is read (no target; fewer requests)
    const scanIterations = Math.max(10, Math.round(ITERATIONS / 10));
    const scans: typeof results = [];
    scans.push(
      await measure(
        'change substring of two letters, found nowhere',
        (i) => get(keys.admin, `/api/v1/events?limit=50&change=${pick(['zz', 'qx', 'jv'], i)}`),
        scanIterations,
      ),
    );
    scans.push(
      await measure(
        "change substring of common pieces ('lz-0', 't-0')",
        (i) => get(keys.admin, `/api/v1/events?limit=50&change=${pick(['lz-0', 't-0'], i)}`),
        scanIterations,
      ),
    );

    const header = `${'query'.padEnd(50)} ${'rows'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`;
    const table = (rows: typeof results) => {
      log(header);
      for (const { name, summary, rowsPerQuery } of rows) {
        const f = (n: number) => n.toFixed(1).padStart(8);
        log(
          `${name.padEnd(50)} ${rowsPerQuery.toFixed(0).padStart(5)} ${f(summary.p50)} ${f(summary.p95)} ${f(summary.p99)} ${f(summary.max)}`,
        );
      }
    };
    log('');
    log(
      `query latency over HTTP (${ITERATIONS} requests each, sequential, authenticated and audited; ${EVENTS.toLocaleString('en')} stored events)`,
    );
    table(results);
    const worstP95 = Math.max(...results.map((r) => r.summary.p95));
    log(`worst p95: ${worstP95.toFixed(1)} ms (target: under 50 ms)`);
    log('');
    log(`text searches no index narrows, read from every change line (${scanIterations} requests each, no target)`);
    table(scans);

    // export: two months of the trail in both formats, then the whole store, with the gateway's memory
    const exportRows = async (format: 'ndjson' | 'csv', range: string) => {
      const memory = sampleResidentMemory(gateway.pid);
      const started = performance.now();
      const res = await fetch(`${gateway.url}/api/v1/events/export?format=${format}${range}`, {
        headers: { authorization: `Bearer ${keys.admin}` },
      });
      if (res.status !== 200 || !res.body) throw new Error(`export: HTTP ${res.status}`);
      let newlines = 0;
      let bytes = 0;
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        // indexOf is a native search: a loop over the bytes here would take a core from the gateway
        for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) newlines++;
      }
      const seconds = (performance.now() - started) / 1000;
      const rows = format === 'csv' ? newlines - 1 : newlines;
      log(
        `export ${format.padEnd(6)} ${rows.toLocaleString('en').padStart(10)} rows in ${seconds.toFixed(1)} s: ${Math.round(rows / seconds).toLocaleString('en')} rows/s, ${(bytes / seconds / 1_048_576).toFixed(1)} MiB/s, gateway resident at most ${memory.stop().toFixed(0)} MiB (target: above 50,000 rows/s)`,
      );
    };
    const range = `&from=${monthStart(4).toISOString()}&to=${monthStart(6).toISOString()}`;
    log('');
    log(`gateway resident before the exports: ${processMemoryMiB(gateway.pid).current.toFixed(0)} MiB`);
    await exportRows('ndjson', range);
    await exportRows('csv', range);
    await exportRows('ndjson', '');
  } finally {
    await gateway.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
