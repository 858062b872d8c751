import { Client } from 'pg';
import { ensureMonths, insertAuditEvent, insertDeadLetter } from '../../../../test/support/store-rows';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { provisionServiceRoles } from './provision-roles';
import { serviceDatabaseUrl, serviceLogins, TRAIL_WRITER_ROLE, type ServiceName } from './service-roles';

/** The trail and what proves it: no service but retention (in its recorded way) ever removes from these. */
const AUDIT_TABLES = [
  'audit_events',
  'audit_event_search',
  'audit_event_ids',
  'auth_events',
  'audit_checkpoints',
  'audit_purge_requests',
  'retention_purges',
];

const INSUFFICIENT_PRIVILEGE = '42501';

/** What a statement did: 'ok', or the SQLSTATE PostgreSQL refused it with. */
async function outcome(client: Client, sql: string, params: unknown[] = []): Promise<string> {
  await client.query('SAVEPOINT attempt');
  try {
    await client.query(sql, params);
    await client.query('RELEASE SAVEPOINT attempt');
    return 'ok';
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT attempt');
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('the services’ database roles (real PostgreSQL)', () => {
  let stack: TestStack;
  const clients: Client[] = [];

  async function loginAs(service: ServiceName): Promise<Client> {
    const client = new Client({ connectionString: serviceDatabaseUrl(stack.databaseUrl, service) });
    await client.connect();
    clients.push(client);
    // each statement in a savepoint of one transaction, rolled back at the end
    await client.query('BEGIN');
    return client;
  }

  async function firstColumn(table: string): Promise<string> {
    const [{ column }] = await stack.query<{ column: string }>(
      `SELECT attname AS column FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attidentity = '' AND attgenerated = ''
        ORDER BY attnum LIMIT 1`,
      [table],
    );
    return column;
  }

  /** What each writing statement on each table did, as { table: { statement: outcome } }. */
  async function writes(client: Client, tables: readonly string[]): Promise<Record<string, Record<string, string>>> {
    const result: Record<string, Record<string, string>> = {};
    for (const table of tables) {
      const column = await firstColumn(table);
      result[table] = {
        INSERT: await outcome(client, `INSERT INTO ${table} DEFAULT VALUES`),
        UPDATE: await outcome(client, `UPDATE ${table} SET ${column} = ${column}`),
        DELETE: await outcome(client, `DELETE FROM ${table}`),
        TRUNCATE: await outcome(client, `TRUNCATE ${table}`),
      };
    }
    return result;
  }

  function refusedEverywhere(tables: readonly string[], statements: readonly string[]) {
    return Object.fromEntries(
      tables.map((table) => [table, Object.fromEntries(statements.map((s) => [s, INSUFFICIENT_PRIVILEGE]))]),
    );
  }

  beforeAll(async () => {
    stack = await createTestStack('roles');
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.end();
  });

  afterAll(async () => {
    await stack.teardown();
  });

  it('the gateway reads the trail and can neither INSERT, UPDATE, DELETE nor TRUNCATE it, nor become another role', async () => {
    const gateway = await loginAs('gateway');
    expect(await outcome(gateway, 'SELECT count(*) FROM audit_events')).toBe('ok');
    expect(await outcome(gateway, 'SELECT count(*) FROM audit_checkpoints')).toBe('ok');
    expect(await writes(gateway, AUDIT_TABLES)).toEqual(
      refusedEverywhere(AUDIT_TABLES, ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']),
    );
    expect(await outcome(gateway, `SET ROLE ${TRAIL_WRITER_ROLE}`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(gateway, 'SET ROLE meshtrail_retention')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(gateway, "SELECT meshtrail_ensure_monthly_partitions('audit_events', '2001-01-01', 1)")).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    // the telemetry relay's transmission log, for the admin page: read, never written
    expect(await outcome(gateway, 'SELECT count(*) FROM telemetry_transmissions')).toBe('ok');
    expect(await writes(gateway, ['telemetry_transmissions'])).toEqual(
      refusedEverywhere(['telemetry_transmissions'], ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']),
    );
    // what it does own: the API keys it issues, the rate-limit windows
    expect(await outcome(gateway, "INSERT INTO api_rate_limits (key, points) VALUES ('k', 1)")).toBe('ok');
  });

  it('audit-ingest inserts into the trail and can neither UPDATE, DELETE nor TRUNCATE it, even after SET ROLE or RESET ROLE', async () => {
    const ingest = await loginAs('audit-ingest');
    expect(
      await outcome(ingest, "INSERT INTO audit_event_ids (id, hash, occurred_at) VALUES ('roles-1', 'h', now())"),
    ).toBe('ok');
    const removals = ['UPDATE', 'DELETE', 'TRUNCATE'];
    const refused = refusedEverywhere(AUDIT_TABLES, removals);
    const removing = async () => {
      const all = await writes(ingest, AUDIT_TABLES);
      return Object.fromEntries(
        Object.entries(all).map(([table, by]) => [table, Object.fromEntries(removals.map((s) => [s, by[s]]))]),
      );
    };
    expect(await removing()).toEqual(refused);
    expect(await outcome(ingest, `SET ROLE ${TRAIL_WRITER_ROLE}`)).toBe('ok');
    expect(await removing()).toEqual(refused);
    expect(await outcome(ingest, 'RESET ROLE')).toBe('ok');
    expect(await removing()).toEqual(refused);

    // no role to become that may do more: not the owner, not a superuser, not another service
    const [{ owner }] = await stack.query<{ owner: string }>(
      "SELECT relowner::regrole::text AS owner FROM pg_class WHERE oid = 'audit_events'::regclass",
    );
    for (const role of [owner, 'postgres', 'meshtrail_retention', 'meshtrail_gateway']) {
      expect({ role, outcome: await outcome(ingest, `SET ROLE ${role}`) }).toEqual({
        role,
        outcome: INSUFFICIENT_PRIVILEGE,
      });
    }
    expect(await outcome(ingest, 'SET SESSION AUTHORIZATION postgres')).toBe(INSUFFICIENT_PRIVILEGE);
    // nor switch off what keeps the trail append-only
    expect(await outcome(ingest, 'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only')).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    expect(await outcome(ingest, 'ALTER TABLE audit_events DISABLE TRIGGER ALL')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(ingest, 'SET session_replication_role = replica')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(ingest, 'DROP TRIGGER meshtrail_recorded_delete ON audit_events')).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
  });

  it('retention removes trail rows only below a recorded purge request, and never truncates or rewrites', async () => {
    await stack.query(
      `INSERT INTO audit_event_ids (id, hash, occurred_at) VALUES ('old', 'h', '2001-05-05Z'), ('new', 'h', now())`,
    );
    const retention = await loginAs('retention');
    expect(await outcome(retention, "DELETE FROM audit_event_ids WHERE id = 'old'")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(retention, 'TRUNCATE audit_event_ids')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(retention, "UPDATE audit_event_ids SET hash = 'x'")).toBe(INSUFFICIENT_PRIVILEGE);
    // when and by whom a record was made are the database's to say, not retention's
    expect(
      await outcome(
        retention,
        "INSERT INTO audit_purge_requests (store, cutoff, requested_at) VALUES ('audit_events', now(), '2001-01-01Z')",
      ),
    ).toBe(INSUFFICIENT_PRIVILEGE);
    expect(
      await outcome(
        retention,
        "INSERT INTO retention_purges (store, cutoff, recorded_by) VALUES ('access_logs', now(), 'someone')",
      ),
    ).toBe(INSUFFICIENT_PRIVILEGE);
    // a record in another store's name does not cover the trail
    await retention.query("INSERT INTO retention_purges (store, cutoff) VALUES ('audit_events', '2002-01-01Z')");
    expect(await outcome(retention, "DELETE FROM audit_event_ids WHERE id = 'old'")).toBe(INSUFFICIENT_PRIVILEGE);

    await retention.query("INSERT INTO audit_purge_requests (store, cutoff) VALUES ('audit_events', '2002-01-01Z')");
    expect(await outcome(retention, "DELETE FROM audit_event_ids WHERE id = 'old'")).toBe('ok');
    expect(await outcome(retention, "DELETE FROM audit_event_ids WHERE id = 'new'")).toBe(INSUFFICIENT_PRIVILEGE);
    // the records stay: retention can neither change nor remove them
    for (const table of ['audit_purge_requests', 'retention_purges', 'retention_runs', 'audit_checkpoints']) {
      const column = await firstColumn(table);
      expect({ table, delete: await outcome(retention, `DELETE FROM ${table}`) }).toEqual({
        table,
        delete: INSUFFICIENT_PRIVILEGE,
      });
      expect({ table, update: await outcome(retention, `UPDATE ${table} SET ${column} = ${column}`) }).toEqual({
        table,
        update: INSUFFICIENT_PRIVILEGE,
      });
    }
  });

  it('retention deletes below the cutoff from a partition named directly, or through its store, and nothing above it', async () => {
    await ensureMonths(stack, 'audit_events', '2001-05-01', 1); // made after the migration: guarded too
    await insertAuditEvent(stack, { id: 'part-old', occurredAt: '2001-05-05T00:00:00Z', workspace: 'ws-1' });
    await insertAuditEvent(stack, { id: 'part-new', occurredAt: '2001-05-25T00:00:00Z', workspace: 'ws-1' });
    const retention = await loginAs('retention');
    expect(await outcome(retention, "DELETE FROM audit_events_200105 WHERE id = 'part-old'")).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    await retention.query("INSERT INTO audit_purge_requests (store, cutoff) VALUES ('audit_events', '2001-05-10Z')");
    // one row past the cutoff refuses the whole statement: the row below it stays too
    expect(await outcome(retention, 'DELETE FROM audit_events_200105')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await outcome(retention, "DELETE FROM audit_events WHERE id = 'part-new'")).toBe(INSUFFICIENT_PRIVILEGE);
    const left = async () =>
      (await retention.query<{ id: string }>("SELECT id FROM audit_events WHERE id LIKE 'part-%' ORDER BY id")).rows;
    expect(await left()).toEqual([{ id: 'part-new' }, { id: 'part-old' }]);
    expect(await outcome(retention, "DELETE FROM audit_events_200105 WHERE id = 'part-old'")).toBe('ok');
    expect(await left()).toEqual([{ id: 'part-new' }]);
  });

  it('retention deletes dead letters only below the cutoff it recorded for them; no other service deletes them', async () => {
    const old = await insertDeadLetter(stack, { offset: 101, deadLetteredAt: '2001-05-05T00:00:00Z' });
    const recent = await insertDeadLetter(stack, { offset: 102, deadLetteredAt: new Date().toISOString() });
    for (const service of ['gateway', 'audit-ingest', 'access-log', 'telemetry-relay'] as const) {
      const client = await loginAs(service);
      expect({ service, delete: await outcome(client, 'DELETE FROM dead_letters WHERE id = $1', [old]) }).toEqual({
        service,
        delete: INSUFFICIENT_PRIVILEGE,
      });
    }
    const retention = await loginAs('retention');
    const remove = (id: string) => outcome(retention, 'DELETE FROM dead_letters WHERE id = $1', [id]);
    expect(await remove(old)).toBe(INSUFFICIENT_PRIVILEGE); // nothing recorded yet
    expect(await outcome(retention, 'TRUNCATE dead_letters')).toBe(INSUFFICIENT_PRIVILEGE);
    // a cutoff recorded for another store does not cover dead letters
    await retention.query("INSERT INTO retention_purges (store, cutoff) VALUES ('access_logs', now())");
    expect(await remove(old)).toBe(INSUFFICIENT_PRIVILEGE);
    await retention.query("INSERT INTO retention_purges (store, cutoff) VALUES ('dead_letters', '2002-01-01Z')");
    expect(await remove(recent)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await remove(old)).toBe('ok');
    const left = await retention.query<{ id: string }>('SELECT id::text FROM dead_letters WHERE id = ANY($1)', [
      [old, recent],
    ]);
    expect(left.rows).toEqual([{ id: recent }]);
  });

  it('retention detaches and drops only partitions wholly below the recorded cutoff, through the owner’s functions', async () => {
    await stack.query("SELECT meshtrail_ensure_monthly_partitions('access_logs', '2001-01-01', 2)");
    const retention = await loginAs('retention');
    // not by hand
    expect(await outcome(retention, 'ALTER TABLE access_logs DETACH PARTITION access_logs_200101')).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    expect(await outcome(retention, 'DROP TABLE access_logs_200101')).toBe(INSUFFICIENT_PRIVILEGE);
    const detach = (partition: string) =>
      outcome(retention, 'SELECT meshtrail_detach_expired_partition($1, $2)', ['access_logs', partition]);
    // nothing recorded yet
    expect(await detach('access_logs_200101')).toBe(INSUFFICIENT_PRIVILEGE);

    await retention.query("INSERT INTO retention_purges (store, cutoff) VALUES ('access_logs', '2001-02-01Z')");
    expect(await detach('access_logs_200102')).toBe(INSUFFICIENT_PRIVILEGE); // ends after the cutoff
    expect(await detach('access_logs_default')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(
      await outcome(retention, 'SELECT meshtrail_detach_expired_partition($1, $2)', ['api_keys', 'access_logs_200101']),
    ).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await detach('access_logs_200101')).toBe('ok');

    const drop = (relation: string) => outcome(retention, 'SELECT meshtrail_drop_detached_partition($1)', [relation]);
    expect(await drop('api_keys')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await drop('access_logs_200102')).toBe(INSUFFICIENT_PRIVILEGE); // attached
    expect(await drop('access_logs_200101_detached')).toBe('ok');
    const [{ left }] = (
      await retention.query<{ left: string | null }>("SELECT to_regclass('access_logs_200101_detached')::text AS left")
    ).rows;
    expect(left).toBeNull();
  });

  it('lets each service see and rewrite only the settings record its own role made', async () => {
    const recorded = { RETENTION_AUDIT_MAX_DAYS: '400' };
    const retention = await loginAs('retention');
    const [{ role }] = (await retention.query<{ role: string }>('SELECT current_user AS role')).rows;
    await retention.query(`INSERT INTO service_settings (service, settings) VALUES ('retention', $1)`, [recorded]);
    await retention.query('COMMIT');
    try {
      const gateway = await loginAs('gateway');
      // another service's record is not there for it: not read, and an UPDATE finds nothing to rewrite
      expect((await gateway.query(`SELECT settings FROM service_settings WHERE service = 'retention'`)).rows).toEqual(
        [],
      );
      expect(
        (await gateway.query(`UPDATE service_settings SET settings = '{}' WHERE service = 'retention'`)).rowCount,
      ).toBe(0);
      expect(await outcome(gateway, `DELETE FROM service_settings`)).toBe(INSUFFICIENT_PRIVILEGE);
      // nor can it record settings in another role's name
      expect(
        await outcome(
          gateway,
          `INSERT INTO service_settings (service, settings, recorded_by) VALUES ('retention', '{}', $1)`,
          [role],
        ),
      ).toBe(INSUFFICIENT_PRIVILEGE);
      // what it records under another service's name is its own row, which that service never reads
      expect(
        await outcome(gateway, `INSERT INTO service_settings (service, settings) VALUES ('retention', '{}')`),
      ).toBe('ok');
      expect(
        await stack.query(`SELECT settings, recorded_by FROM service_settings WHERE service = 'retention'`),
      ).toEqual([{ settings: recorded, recorded_by: role }]);
    } finally {
      await stack.query(`DELETE FROM service_settings WHERE service = 'retention'`);
    }
  });

  it('provisions the same roles for several databases at once, and again, without failing', async () => {
    const other = await createTestStack('roles2');
    try {
      const logins = serviceLogins({});
      const reports = await Promise.all([
        provisionServiceRoles(stack.databaseUrl, logins),
        provisionServiceRoles(other.databaseUrl, logins),
        provisionServiceRoles(other.databaseUrl, logins),
      ]);
      expect(reports.map((r) => r.roles.length)).toEqual([5, 5, 5]);
      // a right given by hand is taken back by the next provisioning
      await other.query('GRANT DELETE ON audit_checkpoints TO meshtrail_gateway');
      await provisionServiceRoles(other.databaseUrl, logins);
      const [{ allowed }] = await other.query<{ allowed: boolean }>(
        "SELECT has_table_privilege('meshtrail_gateway', 'audit_checkpoints', 'DELETE') AS allowed",
      );
      expect(allowed).toBe(false);
    } finally {
      await other.teardown();
    }
  });
});
