import { TcpProxy } from '../../../test/support/tcp-proxy';
import { waitFor } from '../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { DatabaseConnection, withDatabaseConnection } from './database-connection';
import { rowsOf } from './sql';

describe('DatabaseConnection, the port (real PostgreSQL)', () => {
  let stack: TestStack;
  let database: DatabaseConnection;

  beforeAll(async () => {
    stack = await createTestStack('dbport');
    database = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 3, applicationName: 'port-test' });
    await database.query('CREATE TABLE port_probe (id int PRIMARY KEY, note text)');
  });
  afterAll(async () => {
    await database.close();
    await stack.teardown();
  });

  const backendAlive = async (pid: number) =>
    (await stack.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length > 0;

  it('runs parameterised statements and returns their rows, under the service’s application name', async () => {
    const hostile = "x'); DROP TABLE port_probe; --";
    expect(await database.query('INSERT INTO port_probe VALUES ($1, $2) RETURNING id, note', [1, hostile])).toEqual([
      { id: 1, note: hostile },
    ]);
    expect(await database.query<{ name: string }>("SELECT current_setting('application_name') AS name")).toEqual([
      { name: 'port-test' },
    ]);
  });

  it('commits a transaction that resolves and rolls back one that throws, on one session', async () => {
    const pids = await database.transaction(async (session) => {
      await session.query('INSERT INTO port_probe VALUES (2, $1)', ['kept']);
      const rows = await rowsOf(session).query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return [rows[0].pid, (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid];
    });
    expect(pids[0]).toBe(pids[1]);
    await expect(
      database.transaction(async (session) => {
        await session.query('INSERT INTO port_probe VALUES (3, $1)', ['dropped']);
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await stack.query('SELECT id FROM port_probe WHERE id IN (2, 3) ORDER BY id')).toEqual([{ id: 2 }]);
  });

  it('lends each withClient its own session: settings stay in it, and a failed one is closed, not pooled', async () => {
    let releaseFirst!: () => void;
    const firstMayEnd = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstReady!: (pid: number) => void;
    const firstPid = new Promise<number>((resolve) => (firstReady = resolve));
    const first = database.withClient(async (session) => {
      await session.query("SET search_path = 'port_first'");
      firstReady((await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      await firstMayEnd;
      return (await session.query<{ search_path: string }>('SHOW search_path')).rows[0].search_path;
    });
    const second = await database.withClient(async (session) => ({
      pid: (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid,
      path: (await session.query<{ search_path: string }>('SHOW search_path')).rows[0].search_path,
    }));
    expect(second.pid).not.toBe(await firstPid);
    expect(second.path).not.toContain('port_first');
    releaseFirst();
    expect(await first).toBe('port_first');

    let failedPid = 0;
    await expect(
      database.withClient(async (session) => {
        failedPid = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        await session.query('BEGIN');
        throw new Error('failed inside a transaction');
      }),
    ).rejects.toThrow('failed inside a transaction');
    await waitFor('the failed session to be closed', async () => !(await backendAlive(failedPid)));
  });

  it('closes a session that closeIf refuses to pool again', async () => {
    const pid = await database.withClient(
      async (session) => (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid,
      { closeIf: () => true },
    );
    await waitFor('the refused session to be closed', async () => !(await backendAlive(pid)));
  });

  it('opens and closes the port for one piece of work outside Nest', async () => {
    const settings = { url: stack.databaseUrl, poolMax: 1, applicationName: 'port-test-cli' };
    const rows = await withDatabaseConnection(settings, (cli) => cli.query<{ n: number }>('SELECT 41 + 1 AS n'));
    expect(rows).toEqual([{ n: 42 }]);
    await waitFor(
      'the command’s connection to be gone',
      async () =>
        (await stack.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'port-test-cli'")).length === 0,
    );
  });
});

describe('DatabaseConnection with the database down at start (real PostgreSQL behind a cuttable proxy)', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  let proxiedUrl: string;

  beforeAll(async () => {
    stack = await createTestStack('dbportdown');
    ({ proxy, url: proxiedUrl } = await TcpProxy.inFrontOf(stack.databaseUrl));
  });
  afterAll(async () => {
    await proxy.cut();
    await stack.teardown();
  });

  it('starts anyway, fails statements while down, and answers once the database is reachable', async () => {
    await proxy.cut();
    const late = new DatabaseConnection({ url: proxiedUrl, poolMax: 2, applicationName: 'port-test-late' });
    try {
      await expect(late.onModuleInit()).resolves.toBeUndefined();
      await expect(late.query('SELECT 1')).rejects.toThrow();
      await expect(late.withClient(async () => 'never')).rejects.toThrow();
      await proxy.restore();
      expect(await late.query<{ up: number }>('SELECT 1 AS up')).toEqual([{ up: 1 }]);
      expect(await late.transaction(async (session) => (await session.query('SELECT 2 AS n')).rows)).toEqual([
        { n: 2 },
      ]);
    } finally {
      await late.close();
    }
  });
});
