/** Why a record was refused. Stable codes: dashboards, alerts and replay tools match on them. */
export const EVENT_FAILURES = {
  NOT_JSON: 'EVENT.NOT_JSON',
  NOT_CLOUDEVENT: 'EVENT.NOT_CLOUDEVENT',
  UNKNOWN_OBJECT_TYPE: 'EVENT.UNKNOWN_OBJECT_TYPE',
  UNKNOWN_ACTION: 'EVENT.UNKNOWN_ACTION',
  NO_ACTOR: 'EVENT.NO_ACTOR',
  TOO_LARGE: 'EVENT.TOO_LARGE',
  /** Objects and arrays nested deeper than the limit. */
  TOO_DEEP: 'EVENT.TOO_DEEP',
  /** A string or key PostgreSQL cannot store: NUL, or not well-formed Unicode (a lone surrogate). */
  INVALID_TEXT: 'EVENT.INVALID_TEXT',
  INVALID_SCHEMA: 'EVENT.INVALID_SCHEMA',
  TIME_IN_FUTURE: 'EVENT.TIME_IN_FUTURE',
  /** Older than the oldest time accepted (AUDIT_OLDEST_EVENT_TIME), or beyond what PostgreSQL stores. */
  TIME_OUT_OF_RANGE: 'EVENT.TIME_OUT_OF_RANGE',
  CONFLICTING_DUPLICATE: 'EVENT.CONFLICTING_DUPLICATE',
  /** A WorkspaceAccess event on a topic other than access.grants.v1: only authorities grant access. */
  GRANT_NOT_FROM_AUTHORITY: 'GRANT.NOT_FROM_AUTHORITY',
  /** Something other than a WorkspaceAccess event on access.grants.v1, which carries grants only. */
  GRANT_NOT_A_GRANT: 'GRANT.NOT_A_GRANT',
  KEYCLOAK_UNPARSEABLE: 'KEYCLOAK.UNPARSEABLE_LINE',
  /** A Keycloak line dated outside the accepted window (as audit events). */
  KEYCLOAK_TIME_OUT_OF_RANGE: 'KEYCLOAK.TIME_OUT_OF_RANGE',
} as const;
export type EventFailureCode = (typeof EVENT_FAILURES)[keyof typeof EVENT_FAILURES];

/** An expected failure as a value: a stable code and a message naming the field that was wrong. */
export interface EventFailure {
  ok: false;
  code: EventFailureCode;
  message: string;
}

export function failure(code: EventFailureCode, message: string): EventFailure {
  return { ok: false, code, message };
}
