export interface DatabaseTarget {
  /** The database the URL names. */
  database: string;
  /** The same server's maintenance database, for creating the target. */
  maintenanceUrl: string;
}

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

/** Splits a postgres:// URL into its database name and the server's maintenance database URL. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!DATABASE_NAME.test(database)) {
    throw new Error(`DATABASE_URL must name a database of letters, digits, "_" and "-" (got "${database}")`);
  }
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  return { database, maintenanceUrl: maintenance.toString() };
}

/** The URL with its database replaced (tests clone a template into per-suite databases). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
