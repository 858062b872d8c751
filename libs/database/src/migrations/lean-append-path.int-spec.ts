import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { baseDatabaseUrl, TEST_DATABASE_PREFIX, testRunId } from '../../../../test/support/run-id';
import { withDatabase } from '../database-url';
import { dropDatabase, ensureDatabase } from '../ensure-database';
import { migrateDatabase } from '../migrate';
import { LeanAppendPath1763990000000 } from './1763990000000-lean-append-path';
import { MIGRATIONS } from '.';

describe('the lean-append-path migration on a store that already holds events (real PostgreSQL)', () => {
  const url = withDatabase(
    baseDatabaseUrl(),
    `${TEST_DATABASE_PREFIX}${testRunId()}_lean_${randomBytes(3).toString('hex')}`,
  );
  let db: Client;

  beforeAll(async () => {
    await ensureDatabase(url);
    // the schema as it was before the migration
    const before = new DataSource({
      type: 'postgres',
      url,
      migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(LeanAppendPath1763990000000)),
      migrationsTableName: 'meshtrail_migrations',
      migrationsTransactionMode: 'each',
    });
    await before.initialize();
    await before.runMigrations();
    await before.destroy();
    db = new Client({ connectionString: url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await dropDatabase(url);
  });

  it('keeps every stored event readable and in seq order, in its month, and moves the read indexes off the trail', async () => {
    for (const [i, daysAgo] of [0, 40, 3, 75].entries()) {
      await db.query(
        `INSERT INTO audit_events (id, occurred_at, source, type, object_type, object_id, action, actor_kind, actor_id,
           change, event, hash, kafka_topic, kafka_partition, kafka_offset)
         VALUES ($1, now() - make_interval(days => $2), 'test', 'meshstack.test', 'Project', $1, 'created', 'system',
           'replicator', 'created', '{}', 'h', 'audit.events.v1', 0, $3)`,
        [`old-${i}`, daysAgo, i],
      );
    }
    await migrateDatabase(url);

    const searched = await db.query<{ id: string; xact_id: string; partition: string }>(
      `SELECT id, xact_id::text, tableoid::regclass::text AS partition FROM audit_event_search ORDER BY xact_id, seq`,
    );
    expect(searched.rows.map((row) => [row.id, row.xact_id])).toEqual([
      ['old-0', '0'],
      ['old-1', '0'],
      ['old-2', '0'],
      ['old-3', '0'],
    ]);
    // each event in the read model's partition of its month (or the default one, like its stored row)
    const stored = await db.query<{ id: string; partition: string }>(
      `SELECT id, tableoid::regclass::text AS partition FROM audit_events ORDER BY seq`,
    );
    expect(searched.rows.map((row) => row.partition)).toEqual(
      stored.rows.map((row) => row.partition.replace('audit_events_', 'audit_event_search_')),
    );
    expect(new Set(searched.rows.map((row) => row.partition)).size).toBeGreaterThan(1);
    const [position] = (await db.query('SELECT xact_id::text, seq::text FROM projection_positions')).rows;
    const [{ max }] = (await db.query('SELECT max(seq)::text AS max FROM audit_events')).rows;
    expect(position).toEqual({ xact_id: '0', seq: max });

    const indexes = async (table: string) =>
      (
        await db.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1', [
          table,
        ])
      ).rows.map((row) => row.indexname);
    expect(await indexes('audit_events')).toEqual(['audit_events_commit_order_idx', 'audit_events_pkey']);
    expect(await indexes('audit_event_search')).toHaveLength(8);
  });
});
