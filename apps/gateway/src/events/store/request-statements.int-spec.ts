import { Pool, type PoolClient } from 'pg';
import { baseDatabaseUrl } from '../../../../../test/support/run-id';
import { QUERY_CANCELED, RequestStatements } from './request-statements';

const LIMIT_MS = 800;

describe('RequestStatements (real PostgreSQL)', () => {
  let pool: Pool;
  let client: PoolClient;

  beforeAll(async () => {
    pool = new Pool({ connectionString: baseDatabaseUrl(), max: 1, application_name: 'request-statements-test' });
    client = await pool.connect();
  });
  afterAll(async () => {
    client.release();
    await pool.end();
  });

  const sessionTimeout = async () =>
    (await client.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0].statement_timeout;
  const failure = (run: Promise<unknown>) =>
    run.then(
      () => undefined,
      (error: { code?: string }) => error.code,
    );

  it('gives each statement only what is left of the request, so the limit bounds the request as a whole', async () => {
    const db = new RequestStatements(client, Date.now() + LIMIT_MS, LIMIT_MS);
    // each of these would pass a limit of its own; the second cannot fit in what the first left
    await db.rows({ text: 'SELECT pg_sleep(0.5)', values: [] });
    expect(await failure(db.rows({ text: 'SELECT pg_sleep(0.5)', values: [] }))).toBe(QUERY_CANCELED);
  });

  it('cancels a statement for which no time is left without sending it', async () => {
    await client.query('CREATE TEMP SEQUENCE IF NOT EXISTS request_statements_probe');
    const before = (await client.query<{ n: string }>('SELECT last_value::text AS n FROM request_statements_probe'))
      .rows[0].n;
    const late = new RequestStatements(client, Date.now() - 1, LIMIT_MS);
    expect(await failure(late.rows({ text: "SELECT nextval('request_statements_probe')", values: [] }))).toBe(
      QUERY_CANCELED,
    );
    const after = (await client.query<{ n: string }>('SELECT last_value::text AS n FROM request_statements_probe'))
      .rows[0].n;
    expect(after).toBe(before);
  });

  it('hands the connection back with the whole limit, whatever the request had left', async () => {
    const db = new RequestStatements(client, Date.now() + LIMIT_MS, LIMIT_MS);
    await db.rows({ text: 'SELECT pg_sleep(0.3)', values: [] });
    await db.rows({ text: 'SELECT 1', values: [] });
    expect(parseInt(await sessionTimeout(), 10)).toBeLessThan(LIMIT_MS - 200);
    await db.restoreTimeout();
    expect(await sessionTimeout()).toBe(`${LIMIT_MS}ms`);
    // the next request finds it close enough to what it has left and keeps it
    await new RequestStatements(client, Date.now() + LIMIT_MS, LIMIT_MS).rows({ text: 'SELECT 1', values: [] });
    expect(await sessionTimeout()).toBe(`${LIMIT_MS}ms`);
  });

  it('runs a prepared query by a name of its text, with its values bound', async () => {
    const db = new RequestStatements(client, Date.now() + LIMIT_MS, LIMIT_MS);
    const query = { text: 'SELECT $1::text AS v', values: ["it's"], prepared: true };
    expect(await db.rows(query)).toEqual([{ v: "it's" }]);
    expect(await db.rows({ ...query, values: ['again'] })).toEqual([{ v: 'again' }]);
    const prepared = await client.query<{ name: string }>(
      "SELECT name FROM pg_prepared_statements WHERE statement = 'SELECT $1::text AS v'",
    );
    expect(prepared.rows).toEqual([{ name: expect.stringMatching(/^meshtrail_/) }]);
  });
});
