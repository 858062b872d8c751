import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { baseDatabaseUrl, TEST_DATABASE_PREFIX, testRunId } from '../../../test/support/run-id';
import { waitFor } from '../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { withDatabase } from './database-url';
import { dropDatabase } from './ensure-database';
import { migrateDatabase } from './migrate';
import { MIGRATIONS } from './migrations';

function freshDatabaseUrl(): string {
  return withDatabase(baseDatabaseUrl(), `${TEST_DATABASE_PREFIX}${testRunId()}_mig_${randomBytes(3).toString('hex')}`);
}

describe('migrateDatabase (real PostgreSQL)', () => {
  it('creates a missing database and applies every migration, then nothing on the second run', async () => {
    const url = freshDatabaseUrl();
    try {
      const first = await migrateDatabase(url);
      expect(first.databaseCreated).toBe(true);
      expect(first.applied).toHaveLength(MIGRATIONS.length);
      const second = await migrateDatabase(url);
      expect(second).toEqual({ databaseCreated: false, applied: [] });
    } finally {
      await dropDatabase(url);
    }
  });

  it('lets concurrent migrators take turns: each migration is applied exactly once', async () => {
    const url = freshDatabaseUrl();
    try {
      const reports = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
      expect(reports.flatMap((r) => r.applied)).toHaveLength(MIGRATIONS.length);
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT name FROM meshtrail_migrations');
      await client.end();
      expect(rows).toHaveLength(MIGRATIONS.length);
    } finally {
      await dropDatabase(url);
    }
  });
});

describe('meshtrail_ensure_monthly_partitions (real PostgreSQL)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack('partitions');
    await stack.query(`CREATE TABLE samples (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at)`);
    await stack.query(`CREATE TABLE samples_default PARTITION OF samples DEFAULT`);
  });
  afterAll(() => stack.teardown());

  it('creates the missing months, skips existing ones, and moves parked rows out of the default partition', async () => {
    await stack.query(`INSERT INTO samples VALUES (1, '2026-02-10T00:00:00Z'), (2, '2026-04-01T00:00:00Z')`);
    const [first] = await stack.query<{ created: number }>(
      `SELECT meshtrail_ensure_monthly_partitions('samples', $1::date, 3) AS created`,
      ['2026-02-15'],
    );
    expect(first.created).toBe(3);
    const [again] = await stack.query<{ created: number }>(
      `SELECT meshtrail_ensure_monthly_partitions('samples', $1::date, 3) AS created`,
      ['2026-02-01'],
    );
    expect(again.created).toBe(0);
    const placed = await stack.query<{ id: string; part: string }>(
      `SELECT id::text, tableoid::regclass::text AS part FROM samples ORDER BY id`,
    );
    expect(placed).toEqual([
      { id: '1', part: 'samples_202602' },
      { id: '2', part: 'samples_202604' },
    ]);
  });

  it('moves a row committed into the default partition while the partition is being created, instead of losing it', async () => {
    const writer = new Client({ connectionString: stack.databaseUrl });
    const creator = new Client({ connectionString: stack.databaseUrl });
    await Promise.all([writer.connect(), creator.connect()]);
    try {
      await writer.query('BEGIN');
      await writer.query(`INSERT INTO samples VALUES (3, '2026-07-10T00:00:00Z')`);
      const creating = creator.query<{ created: number }>(
        `SELECT meshtrail_ensure_monthly_partitions('samples', '2026-07-01'::date, 1) AS created`,
      );
      // the creator waits for the writer's transaction (a lock wait), then sees its row
      await waitFor('the partition creation to wait for the open insert', async () => {
        const [waiting] = await stack.query<{ count: string }>(
          `SELECT count(*)::text AS count FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'
             AND query LIKE '%meshtrail_ensure_monthly_partitions(''samples'', ''2026-07-01''%'`,
        );
        return waiting.count === '1';
      });
      await writer.query('COMMIT');
      expect((await creating).rows[0].created).toBe(1);
      expect(await stack.query(`SELECT id::text, tableoid::regclass::text AS part FROM samples WHERE id = 3`)).toEqual([
        { id: '3', part: 'samples_202607' },
      ]);
    } finally {
      await Promise.all([writer.end(), creator.end()]);
    }
  });
});
