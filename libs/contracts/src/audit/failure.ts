/** Why a record was refused. Stable codes: dashboards, alerts and replay tools match on them. */
export const EVENT_FAILURES = {
  NOT_JSON: 'EVENT.NOT_JSON',
  NOT_CLOUDEVENT: 'EVENT.NOT_CLOUDEVENT',
  UNKNOWN_OBJECT_TYPE: 'EVENT.UNKNOWN_OBJECT_TYPE',
  UNKNOWN_ACTION: 'EVENT.UNKNOWN_ACTION',
  NO_ACTOR: 'EVENT.NO_ACTOR',
  TOO_LARGE: 'EVENT.TOO_LARGE',
  INVALID_SCHEMA: 'EVENT.INVALID_SCHEMA',
  TIME_IN_FUTURE: 'EVENT.TIME_IN_FUTURE',
  CONFLICTING_DUPLICATE: 'EVENT.CONFLICTING_DUPLICATE',
  KEYCLOAK_UNPARSEABLE: 'KEYCLOAK.UNPARSEABLE_LINE',
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
