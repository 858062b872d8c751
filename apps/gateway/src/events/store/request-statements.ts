import { createHash } from 'node:crypto';
import type { SqlSession } from '@meshtrail/database';
import type { SqlQuery } from './event-sql';

/** SQLSTATE of a statement cancelled, here by statement_timeout. */
export const QUERY_CANCELED = '57014';

/**
 * A statement timeout is adjusted only when it differs from the time left by more than this: a
 * request's first statement then finds the value its predecessor set and costs no extra round trip.
 */
const TIMEOUT_SLACK_MS = 100;

/** Statements a pooled connection keeps prepared; past this many it is closed, freeing their plans in the server. */
const PREPARED_PER_CONNECTION = 200;

/** Per pooled connection: the statement_timeout its session carries, and the statements it has prepared. */
const sessionTimeouts = new WeakMap<SqlSession, number>();
const preparedNames = new WeakMap<SqlSession, Set<string>>();

function preparedOn(client: SqlSession): Set<string> {
  let names = preparedNames.get(client);
  if (!names) preparedNames.set(client, (names = new Set()));
  return names;
}

/** True when the connection should be closed rather than pooled again (too many plans kept). */
export function keepsTooManyPlans(client: SqlSession): boolean {
  return preparedOn(client).size > PREPARED_PER_CONNECTION;
}

/** The error a statement cancelled by its timeout fails with, also when no time was left to start it. */
function cancelled(): Error {
  return Object.assign(new Error('canceling statement due to statement timeout'), { code: QUERY_CANCELED });
}

/**
 * The statements of one request on one pooled connection, each under what is left of the
 * request's time, so QUERY_TIMEOUT_MS bounds a request however many statements it takes (a text
 * search takes up to five). The timeout is a session setting, set only when it would differ from
 * the time left by more than a little, so a simple page costs one round trip; a connection goes
 * back to the pool with the whole limit again (restoreTimeout), since other readers share it.
 */
export class RequestStatements {
  constructor(
    readonly client: SqlSession,
    private readonly deadline: number,
    private readonly limitMs: number,
  ) {}

  /**
   * Runs a query; one marked `prepared` as a prepared statement of its connection, named after its
   * text. After a few executions the server keeps a generic plan (partitions are still pruned by
   * the parameters when it runs), so a page no longer pays for planning every month partition with
   * its indexes: most of a simple page's time, and growing with the months kept.
   */
  async rows<T>(query: SqlQuery): Promise<T[]> {
    await this.fitTimeout();
    if (!query.prepared) return (await this.client.query(query.text, query.values)).rows as T[];
    const name = `meshtrail_${createHash('sha256').update(query.text).digest('base64url').slice(0, 32)}`;
    preparedOn(this.client).add(name);
    return (await this.client.query({ name, text: query.text, values: query.values })).rows as T[];
  }

  /** Gives the session the whole limit again when this request left it with less. */
  async restoreTimeout(): Promise<void> {
    const current = sessionTimeouts.get(this.client);
    if (current !== undefined && this.limitMs - current > TIMEOUT_SLACK_MS) await this.setTimeout(this.limitMs);
  }

  private async fitTimeout(): Promise<void> {
    const left = Math.min(Math.trunc(this.deadline - Date.now()), this.limitMs);
    if (left <= 0) throw cancelled();
    const current = sessionTimeouts.get(this.client);
    if (current === undefined || Math.abs(current - left) > TIMEOUT_SLACK_MS) await this.setTimeout(left);
  }

  private async setTimeout(ms: number): Promise<void> {
    // forget the value until the server confirms it: a failed SET leaves it unknown
    sessionTimeouts.delete(this.client);
    // an integer computed here from the configuration and the clock, not input
    await this.client.query(`SET statement_timeout = ${Math.trunc(ms)}`);
    sessionTimeouts.set(this.client, Math.trunc(ms));
  }
}
