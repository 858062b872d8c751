import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { parseDatabaseUrl } from '../database-url';
import { PRIVILEGED_FUNCTIONS } from '../migrations/1763990000500-least-privilege';
import { SERVICE_ROLES, TRAIL_WRITER_ROLE, type ServiceLogin, type ServiceRole } from './service-roles';

/**
 * Roles live in the cluster, not in a database, and PostgreSQL fails a catalog row two sessions
 * change at once ("tuple concurrently updated"): every provisioner takes this lock in the
 * maintenance database, where all of them meet whatever database they provision.
 */
const CLUSTER_ROLES_LOCK = 7_281_930_011;
/** Grants are per database: concurrent set-up steps on one database take turns on this one. */
const DATABASE_GRANTS_LOCK = 7_281_930_012;

export interface RolesReport {
  roles: string[];
  passwordsSet: number;
}

function connect(url: string): Client {
  return new Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'meshtrail-roles' });
}

/**
 * Makes each service's login role exist (cluster-wide) and hold exactly the rights SERVICE_ROLES
 * gives it in the database `ownerUrl` names (revoking anything else), as the owner of the
 * tables. Idempotent, and safe while other set-up steps provision the same roles for other
 * databases. Run after the migrations: the grants name their tables.
 */
export async function provisionServiceRoles(ownerUrl: string, logins: readonly ServiceLogin[]): Promise<RolesReport> {
  const passwordsSet = await ensureLoginRoles(ownerUrl, logins);
  await grantPrivileges(ownerUrl, logins);
  return { roles: logins.map((login) => login.role), passwordsSet };
}

async function ensureLoginRoles(ownerUrl: string, logins: readonly ServiceLogin[]): Promise<number> {
  const client = connect(parseDatabaseUrl(ownerUrl).maintenanceUrl);
  await client.connect();
  let passwordsSet = 0;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [CLUSTER_ROLES_LOCK]);
    await createRole(client, TRAIL_WRITER_ROLE, 'NOLOGIN');
    for (const login of logins) {
      const role = escapeIdentifier(login.role);
      await createRole(client, login.role, 'LOGIN');
      // whatever it was given by hand: a service role is never more than a plain login
      const password = login.password === undefined ? '' : ` PASSWORD ${escapeLiteral(login.password)}`;
      await client.query(
        `ALTER ROLE ${role} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${password}`,
      );
      if (password) passwordsSet++;
      await convergeMemberships(client, login.role, roleOf(login).memberOf);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [CLUSTER_ROLES_LOCK]).catch(() => undefined);
    await client.end();
  }
  return passwordsSet;
}

async function createRole(client: Client, role: string, login: 'LOGIN' | 'NOLOGIN'): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (rowCount) return;
  try {
    await client.query(`CREATE ROLE ${escapeIdentifier(role)} ${login}`);
  } catch (error) {
    // created meanwhile by a migration (meshtrail_ingest) or a provisioner of an older release
    const code = (error as { code?: string }).code;
    if (code !== '42710' && code !== '23505') throw error;
  }
}

/** Member of exactly the declared roles: whatever else it was granted (the owner, say) is revoked. */
async function convergeMemberships(client: Client, role: string, memberOf: readonly string[]): Promise<void> {
  const { rows } = await client.query<{ granted: string }>(
    `SELECT g.rolname AS granted FROM pg_auth_members m
       JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
      WHERE r.rolname = $1`,
    [role],
  );
  const current = new Set(rows.map((row) => row.granted));
  for (const granted of current) {
    if (!memberOf.includes(granted)) {
      await client.query(`REVOKE ${escapeIdentifier(granted)} FROM ${escapeIdentifier(role)}`);
    }
  }
  for (const wanted of memberOf) {
    if (!current.has(wanted)) await client.query(`GRANT ${escapeIdentifier(wanted)} TO ${escapeIdentifier(role)}`);
  }
}

function roleOf(login: ServiceLogin): ServiceRole {
  return SERVICE_ROLES.find((role) => role.service === login.service)!;
}

async function grantPrivileges(ownerUrl: string, logins: readonly ServiceLogin[]): Promise<void> {
  const { database } = parseDatabaseUrl(ownerUrl);
  const client = connect(ownerUrl);
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [DATABASE_GRANTS_LOCK]);
    const [{ schema }] = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows;
    const inSchema = escapeIdentifier(schema);
    // nobody but the owner creates objects here (PostgreSQL 15 no longer lets PUBLIC; older ones did)
    await client.query(`REVOKE CREATE ON SCHEMA ${inSchema} FROM PUBLIC`);
    for (const signature of PRIVILEGED_FUNCTIONS) {
      await client.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
    }
    // a partition made by hand rather than by meshtrail_ensure_monthly_partitions gets the
    // recorded-delete check too, before any role may delete from it
    await client.query('SELECT meshtrail_guard_store_tables()');
    for (const login of logins) {
      const role = escapeIdentifier(login.role);
      for (const kind of ['TABLES', 'SEQUENCES', 'FUNCTIONS']) {
        await client.query(`REVOKE ALL ON ALL ${kind} IN SCHEMA ${inSchema} FROM ${role}`);
      }
      await client.query(`GRANT CONNECT ON DATABASE ${escapeIdentifier(database)} TO ${role}`);
      await client.query(`GRANT USAGE ON SCHEMA ${inSchema} TO ${role}`);
      const declared = roleOf(login);
      for (const grant of declared.tables) {
        for (const table of await withPartitions(client, grant.tables)) {
          await client.query(`GRANT ${grant.privileges} ON TABLE ${escapeIdentifier(table)} TO ${role}`);
        }
        if (/\bINSERT\b/.test(grant.privileges)) {
          for (const sequence of await ownedSequences(client, grant.tables)) {
            await client.query(`GRANT USAGE ON SEQUENCE ${escapeIdentifier(sequence)} TO ${role}`);
          }
        }
      }
      for (const signature of declared.functions) {
        await client.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${role}`);
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** The tables and, recursively, their partitions (a partition named directly checks its own grants). */
async function withPartitions(client: Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `WITH RECURSIVE tree(oid) AS (
       SELECT to_regclass(t)::oid FROM unnest($1::text[]) t
       UNION SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid)
     SELECT c.relname AS name FROM tree JOIN pg_class c ON c.oid = tree.oid ORDER BY c.relname`,
    [tables],
  );
  const missing = tables.filter((table) => !rows.some((row) => row.name === table));
  if (missing.length > 0) throw new Error(`cannot grant on missing tables (migrate first): ${missing.join(', ')}`);
  return rows.map((row) => row.name);
}

/** Sequences a serial column of these tables draws from (identity columns need no grant). */
async function ownedSequences(client: Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT DISTINCT s.relname AS name FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      WHERE d.refobjid = ANY (SELECT to_regclass(t)::oid FROM unnest($1::text[]) t) AND d.deptype = 'a'`,
    [tables],
  );
  return rows.map((row) => row.name);
}
