import type { EventFilter } from '../query/event-filter';
import { authWhere } from './auth-event-sql';
import { whereClause, type ReadScope, type SqlQuery } from './event-sql';
import { SqlParams } from './sql-params';

/** One group of a daily count: a UTC day (YYYY-MM-DD), an action, how many events. */
export interface DailyCountRow {
  day: string;
  action: string;
  events: string;
}

/** The UTC day of a timestamptz column, whatever the session's time zone. */
const utcDay = (column: string) => `date_trunc('day', ${column} AT TIME ZONE 'UTC')`;

/**
 * Audit events per UTC day and action, for the same filter and scope as a page (the same WHERE
 * clause): one grouped count over the matching rows of the read model, no row leaves the server.
 */
export function dailyCountQuery(filter: EventFilter, scope: ReadScope): SqlQuery {
  const params = new SqlParams();
  const where = whereClause(filter, scope, params);
  return {
    text: `SELECT to_char(${utcDay('occurred_at')}, 'YYYY-MM-DD') AS day, action, count(*)::bigint::text AS events
FROM audit_event_search
${where}
GROUP BY ${utcDay('occurred_at')}, action`,
    values: params.values,
  };
}

/** Keycloak's auth events per UTC day and action (their lower-cased type, as pages show it), for admins. */
export function authDailyCountQuery(filter: EventFilter): SqlQuery {
  const params = new SqlParams();
  const where = authWhere(filter, params);
  return {
    text: `SELECT to_char(${utcDay('occurred_at')}, 'YYYY-MM-DD') AS day, lower(type) AS action, count(*)::bigint::text AS events
FROM auth_events
${where}
GROUP BY ${utcDay('occurred_at')}, lower(type)`,
    values: params.values,
  };
}
