import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Pool, type QueryResultRow } from 'pg';
import { AppLogger } from '@meshtrail/observability';
import { DATABASE_OPTIONS, type DatabaseModuleOptions, type DatabaseSettings } from './database.options';
import type { SqlQueries, SqlSession } from './sql';
import { inTransaction } from './transaction';

/** Statements slower than this are logged (their text, never their parameters). */
const SLOW_QUERY_MS = 2000;

function createPool(settings: DatabaseSettings, max: number, applicationName = settings.applicationName): Pool {
  return new Pool({
    // TLS as the URL says (sslmode), as libpq does
    connectionString: settings.url,
    application_name: applicationName,
    max,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30000,
    keepAlive: true,
  });
}

/** What the main pool is doing, for health details: connections open, idle, and requests waiting for one. */
export interface PoolUsage {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * The service's one way to PostgreSQL: one pg pool and the port over it (query, withClient,
 * transaction). Connections are made on demand, so a database that is down at start does not
 * stop the service: health reports DOWN until a statement succeeds.
 *
 * Beside it, a small reserved pool (`reservedMax` connections) for the statements that must get
 * through when the main pool is busy: health checks and authentication. A flood of exports, each
 * holding a main connection for minutes, then still leaves readiness and sign-in answering.
 */
@Injectable()
export class DatabaseConnection implements SqlQueries, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new AppLogger('Database');
  private readonly connections: Pool;
  private readonly reservedConnections?: Pool;
  private readonly reservedPort: SqlQueries;
  private connected = false;
  private closing?: Promise<void>;

  constructor(@Inject(DATABASE_OPTIONS) options: DatabaseModuleOptions) {
    this.connections = this.watched(createPool(options, options.poolMax));
    if (options.reservedMax) {
      // its own application_name, so pg_stat_activity tells the reserved connections apart
      this.reservedConnections = this.watched(
        createPool(options, options.reservedMax, `${options.applicationName}-reserved`),
      );
    }
    const reserved = this.reservedConnections;
    this.reservedPort = reserved ? { query: (sql, params) => this.run(reserved, sql, params) } : this;
  }

  private watched(pool: Pool): Pool {
    pool.on('connect', (client) => {
      if (!this.connected) this.logger.info('Database Connected');
      this.connected = true;
      // a connection that breaks while lent out would otherwise crash the process; its next
      // statement fails instead, and the pool drops it when it comes back
      client.on('error', (error) => this.logger.warn('Database Connection Lost', { error: error.message }));
    });
    // idle connections that break are dropped by the pool (and logged by the listener above)
    pool.on('error', () => undefined);
    return pool;
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.query('SELECT 1');
    } catch (error) {
      this.logger.warn('Database Unavailable At Start', { error: (error as Error).message });
    }
  }

  /** Runs one parameterised statement on a pooled connection and returns its rows. */
  query<T extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.run<T>(this.connections, sql, params);
  }

  /**
   * Statements on the reserved pool (health checks, authentication): connections nothing else
   * takes, so they get through while exports hold the main pool. The main pool when none is set.
   */
  reserved(): SqlQueries {
    return this.reservedPort;
  }

  /** The reserved pool itself, for a library that takes a `pg` pool (the rate limiter's store). */
  reservedPool(): Pool {
    return this.reservedConnections ?? this.connections;
  }

  /** How busy the main pool is. */
  usage(): PoolUsage {
    const pool = this.connections;
    return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max };
  }

  private async run<T extends QueryResultRow>(pool: Pool, sql: string, params: unknown[] = []): Promise<T[]> {
    const started = performance.now();
    const { rows } = await pool.query<T>(sql, params);
    const durationMs = performance.now() - started;
    if (durationMs > SLOW_QUERY_MS) this.logger.warn('Slow Query', { query: sql, durationMs: Math.round(durationMs) });
    return rows;
  }

  /**
   * Lends one pooled connection to `work` (transactions, COPY, cursors, advisory locks, SET
   * LOCAL ROLE) and takes it back. When `work` fails the connection is closed rather than pooled
   * again, as pg's own pool.query does: it may hold an open transaction, a half-read cursor or
   * session settings. `closeIf` closes it after a success too (a session that grew too heavy).
   */
  async withClient<T>(
    work: (session: SqlSession) => Promise<T>,
    { closeIf }: { closeIf?: (session: SqlSession) => boolean } = {},
  ): Promise<T> {
    const client = await this.connections.connect();
    try {
      const result = await work(client);
      client.release(closeIf?.(client) ?? false);
      return result;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  /** Runs `work` in one transaction on one session: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.withClient((session) => inTransaction(session, () => work(session)));
  }

  /** The pg pool itself, for the libraries that take one (nothing else should need it). */
  pool(): Pool {
    return this.connections;
  }

  /** Closes every connection (once; later calls wait for the first). */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.connections.end(), this.reservedConnections?.end()]).then(() => undefined);
    return this.closing;
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

/** The port outside Nest (the admin CLI): opened for `work`, closed after it. */
export async function withDatabaseConnection<T>(
  settings: DatabaseSettings,
  work: (database: DatabaseConnection) => Promise<T>,
): Promise<T> {
  const database = new DatabaseConnection(settings);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
