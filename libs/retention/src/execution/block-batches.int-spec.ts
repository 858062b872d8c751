import { Client } from 'pg';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { countSelection, deleteInBlockBatches, type RowSelection } from './block-batches';

describe('deleteInBlockBatches (real PostgreSQL)', () => {
  let stack: TestStack;
  let sql: Client;

  beforeAll(async () => {
    stack = await createTestStack('blockbatches');
    sql = new Client({ connectionString: stack.databaseUrl });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await stack.teardown();
  });

  async function seed(table: string, rows: number, analyse: boolean): Promise<void> {
    await stack.query(`CREATE TABLE ${table} (n integer NOT NULL, at timestamptz NOT NULL, pad text NOT NULL)`);
    // rows interleave old and new, so every block holds some of each
    await stack.query(
      `INSERT INTO ${table} SELECT n, CASE WHEN n % 3 = 0 THEN '2020-01-01'::timestamptz ELSE '2030-01-01'::timestamptz END, repeat('x', 200)
         FROM generate_series(1, $1) n`,
      [rows],
    );
    if (analyse) await stack.query(`ANALYZE ${table}`);
  }

  const oldRows = (relation: string): RowSelection => ({
    relation,
    condition: 't.at < $1',
    params: [new Date('2025-01-01T00:00:00Z')],
  });

  it.each([
    ['an analysed table', 'batches_analysed', true],
    ['a table never analysed', 'batches_fresh', false],
  ])('deletes exactly the matching rows of %s, a bounded slice per statement', async (_label, table, analyse) => {
    await seed(table, 3000, analyse);
    expect(await countSelection(sql, oldRows(table))).toBe(1000);
    const slices: number[] = [];

    const result = await deleteInBlockBatches(sql, oldRows(table), {
      batchRows: 100,
      onStatement: ({ deleted }) => slices.push(deleted),
    });

    expect(result.deleted).toBe(1000);
    expect(result.statements).toBe(slices.length);
    expect(slices.length).toBeGreaterThan(10);
    // about 100 rows looked at per statement, a third of them old
    expect(Math.max(...slices)).toBeLessThanOrEqual(100);
    const [{ old, kept }] = await stack.query<{ old: string; kept: string }>(
      `SELECT count(*) FILTER (WHERE at < '2025-01-01') AS old, count(*) FILTER (WHERE at >= '2025-01-01') AS kept FROM ${table}`,
    );
    expect({ old: Number(old), kept: Number(kept) }).toEqual({ old: 0, kept: 2000 });
  });

  it('does nothing on an empty table', async () => {
    await stack.query('CREATE TABLE batches_empty (at timestamptz NOT NULL)');
    expect(await deleteInBlockBatches(sql, oldRows('batches_empty'), { batchRows: 100 })).toEqual({
      deleted: 0,
      statements: 0,
    });
  });
});
