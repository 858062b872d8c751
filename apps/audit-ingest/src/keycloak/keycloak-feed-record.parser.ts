import {
  EVENT_FAILURES,
  KEYCLOAK_FEED_NAME,
  failure,
  isoTime,
  textProblem,
  timeWindowProblem,
  type EventFailure,
  type TimeWindow,
} from '@meshtrail/contracts';
import {
  MAX_KEYCLOAK_LINE_LENGTH,
  eventFromPairs,
  parseKeycloakLine,
  type KeycloakParseResult,
} from './keycloak-line.parser';

/** Keycloak's event ids are UUIDs; anything much longer is not one of its ids. */
export const MAX_KEYCLOAK_EVENT_ID_LENGTH = 256;

const unparseable = (why: string): EventFailure => failure(EVENT_FAILURES.KEYCLOAK_UNPARSEABLE, why);

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One record of keycloak.events.raw.v1, whichever way it came: a KeycloakFeedRecord from
 * meshtrail's event feed (JSON with "feed": "keycloak-admin-api"), or a line of Keycloak's event
 * log. Pure; never throws.
 */
export function parseKeycloakRecord(raw: string, publishedAt: Date, window: TimeWindow): KeycloakParseResult {
  const record = raw.startsWith('{') && raw.length <= MAX_KEYCLOAK_LINE_LENGTH ? feedRecordOf(raw) : undefined;
  return record ? parseKeycloakFeedRecord(raw, record, window) : parseKeycloakLine(raw, publishedAt, window);
}

function feedRecordOf(raw: string): Fields | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return isObject(parsed) && parsed.feed === KEYCLOAK_FEED_NAME ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A text field of the event: absent and null are no value; anything else must be storable text. */
function text(pairs: Map<string, string | null>, name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) {
    pairs.set(name, null);
    return undefined;
  }
  if (typeof value !== 'string') return `${name}: not a string`;
  const problem = textProblem(value);
  if (problem) return `${name}: ${problem}`;
  pairs.set(name, value);
  return undefined;
}

/**
 * A feed record: Keycloak's EventRepresentation (kind login) or AdminEventRepresentation (kind
 * admin) as its admin API returns them, with Keycloak's event id, its time in epoch milliseconds
 * and its details map. Checked as strictly as a log line: storable text, a time in the window.
 */
export function parseKeycloakFeedRecord(raw: string, record: Fields, window: TimeWindow): KeycloakParseResult {
  const rawText = textProblem(raw);
  if (rawText) return unparseable(`the record ${rawText}`);
  const { kind, realm, event } = record;
  if (kind !== 'login' && kind !== 'admin') return unparseable('kind: must be "login" or "admin"');
  if (typeof realm !== 'string' || realm.length === 0) return unparseable('realm: missing');
  if (!isObject(event)) return unparseable('event: missing or not an object');
  const id = event.id;
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > MAX_KEYCLOAK_EVENT_ID_LENGTH ||
    textProblem(id) !== undefined
  ) {
    return unparseable(`event.id: must be Keycloak's event id, 1 to ${MAX_KEYCLOAK_EVENT_ID_LENGTH} characters`);
  }
  const time = event.time;
  if (typeof time !== 'number' || !Number.isSafeInteger(time)) {
    return unparseable('event.time: must be epoch milliseconds');
  }
  const outside = timeWindowProblem(time, window);
  if (outside) {
    return failure(
      EVENT_FAILURES.KEYCLOAK_TIME_OUT_OF_RANGE,
      `the time of the event, ${isoTime(time)}, ${outside.message}`,
    );
  }

  const pairs = new Map<string, string | null>();
  const problems: Array<string | undefined> = [];
  // details first: a detail never takes the place of one of the event's own fields
  const details = event.details;
  if (details !== undefined && details !== null) {
    if (!isObject(details)) return unparseable('event.details: not an object');
    for (const [key, value] of Object.entries(details)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return unparseable(`event.details: a key ${keyProblem}`);
      problems.push(text(pairs, key, value));
    }
  }
  problems.push(
    text(pairs, 'realmName', realm),
    text(pairs, 'realmId', event.realmId),
    text(pairs, 'error', event.error),
  );
  if (kind === 'login') {
    for (const name of ['type', 'clientId', 'userId', 'sessionId', 'ipAddress']) {
      problems.push(text(pairs, name, event[name]));
    }
  } else {
    const auth = isObject(event.authDetails) ? event.authDetails : {};
    problems.push(
      text(pairs, 'operationType', event.operationType),
      text(pairs, 'resourceType', event.resourceType),
      text(pairs, 'resourcePath', event.resourcePath),
      text(pairs, 'representation', event.representation),
      text(pairs, 'clientId', auth.clientId),
      text(pairs, 'userId', auth.userId),
      text(pairs, 'ipAddress', auth.ipAddress),
    );
    if (typeof auth.realmId === 'string' && auth.realmId !== event.realmId) {
      problems.push(text(pairs, 'authRealmId', auth.realmId));
    }
  }
  const problem = problems.find((p) => p !== undefined);
  if (problem) return unparseable(`event.${problem}`);
  if (pairs.get('representation') === null) pairs.delete('representation');
  const parsed = eventFromPairs(pairs, time);
  return parsed.ok ? { ok: true, event: { ...parsed.event, keycloakEventId: id } } : parsed;
}
