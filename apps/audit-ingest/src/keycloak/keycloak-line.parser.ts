import type { AuthEvent } from '@meshtrail/audit-store';
import {
  EVENT_FAILURES,
  failure,
  isoTime,
  parseRfc3339,
  textProblem,
  timeWindowProblem,
  type EventFailure,
  type TimeParse,
  type TimeWindow,
} from '@meshtrail/contracts';

/** A parsed line: the event shape the auth_events store keeps. */
export type KeycloakEvent = AuthEvent;

export type KeycloakParseResult = { ok: true; event: KeycloakEvent } | EventFailure;

const EVENT_LOGGER = 'org.keycloak.events';
const LEVELS = 'TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL';
/**
 * "<date> <time> <LEVEL> [<logger>] (<thread>) <message>", Keycloak's (Quarkus and WildFly)
 * console and file format; the date is absent in older WildFly files.
 */
const PREFIXED = new RegExp(
  `^(?<time>(?:\\d{4}-\\d{2}-\\d{2}[ T])?\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?)\\s+` +
    `(?:${LEVELS})\\s+\\[(?<logger>[^\\]]+)\\]\\s+\\((?<thread>.*?)\\)\\s+(?<message>(?:type|operationType)=.*)$`,
);
const OPERATION_TYPES = new Set(['CREATE', 'UPDATE', 'DELETE', 'ACTION']);
const LOGIN_FIELDS = ['type', 'realmId', 'realmName', 'clientId', 'userId', 'sessionId', 'ipAddress', 'error'];
const ADMIN_FIELDS = [
  'operationType',
  'realmId',
  'realmName',
  'clientId',
  'userId',
  'ipAddress',
  'resourceType',
  'resourcePath',
  'error',
];

/** Characters of a line: Keycloak's event lines are a few hundred; the auth_events row keeps the line whole. */
export const MAX_KEYCLOAK_LINE_LENGTH = 65_536;
/**
 * Characters of the fields auth_events indexes (realm_id and type; user_id), so that an index
 * entry always fits: Keycloak's own ids are UUIDs and realm names at most 255 characters.
 */
export const KEYCLOAK_INDEXED_FIELD_LIMITS = { realmId: 256, userId: 256, type: 64 } as const;

const unparseable = (why: string): EventFailure => failure(EVENT_FAILURES.KEYCLOAK_UNPARSEABLE, why);

/**
 * Splits `key=value, key="quoted \"value\"", key='old style value', cookies=[a, b]` into pairs.
 * Keycloak quotes values with " (newer versions, escaping quotes inside) or ' (older versions,
 * only values with spaces), or not at all; the literal null means no value.
 */
export function parseKeyValues(message: string): Map<string, string | null> | undefined {
  const pairs = new Map<string, string | null>();
  let at = 0;
  const keyPattern = /([A-Za-z0-9_.-]+)=/y;
  while (at < message.length) {
    keyPattern.lastIndex = at;
    const key = keyPattern.exec(message);
    if (!key) return undefined;
    at = keyPattern.lastIndex;
    let value: string;
    let quoted = false;
    const open = message[at];
    if (open === '"' || open === "'") {
      quoted = true;
      let end = at + 1;
      let text = '';
      while (end < message.length && message[end] !== open) {
        if (open === '"' && message[end] === '\\' && end + 1 < message.length) end++;
        text += message[end++];
      }
      if (end >= message.length) return undefined;
      value = text;
      at = end + 1;
    } else if (open === '[') {
      const end = message.indexOf(']', at);
      if (end < 0) return undefined;
      value = message.slice(at + 1, end);
      at = end + 1;
    } else {
      const rest = message.slice(at);
      const next = rest.search(/, [A-Za-z0-9_.-]+=/);
      value = next < 0 ? rest : rest.slice(0, next);
      at += value.length;
    }
    pairs.set(key[1], !quoted && value === 'null' ? null : quoted && value === 'null' ? null : value);
    if (at >= message.length) break;
    if (!message.startsWith(', ', at)) return undefined;
    at += 2;
  }
  return pairs;
}

const DAY_MS = 86_400_000;
const ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const TIME_ONLY = /^\d{2}:\d{2}/;
const ZONE_WITHOUT_COLON = /([+-]\d{2})(\d{2})$/;

/**
 * The time of a line, read strictly (a date PostgreSQL would refuse, such as 2026-02-30, is no
 * date): "2026-11-23 10:15:32,123", with T or a space, a comma or a dot, with or without a zone
 * (+01:00 or +0100); or the time alone.
 */
function lineTime(text: string, fallback: Date): TimeParse {
  let normalised = text.replace(',', '.').replace(' ', 'T');
  const timeOnly = TIME_ONLY.test(normalised);
  if (timeOnly) {
    // no date (older WildFly files): the day the record was published; a line from just before
    // midnight published just after it belongs to the day before
    normalised = `${isoTime(fallback.getTime()).slice(0, 10)}T${normalised}`;
  }
  // Keycloak writes local time without a zone; servers run in UTC, so a zone-less time is UTC
  if (!ZONE.test(normalised)) normalised += 'Z';
  const parsed = parseRfc3339(normalised.replace(ZONE_WITHOUT_COLON, '$1:$2'));
  if (parsed.ok && timeOnly && parsed.ms - fallback.getTime() > 12 * 3_600_000) {
    return { ok: true, ms: parsed.ms - DAY_MS };
  }
  return parsed;
}

function fromJsonLine(line: string): { time?: string; logger?: string; message?: string } | undefined {
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const message = parsed.message;
    if (typeof message !== 'string') return undefined;
    return {
      time: typeof parsed.timestamp === 'string' ? parsed.timestamp : undefined,
      logger: typeof parsed.loggerName === 'string' ? parsed.loggerName : undefined,
      message,
    };
  } catch {
    return undefined;
  }
}

/**
 * Parses one line of Keycloak's org.keycloak.events log: with its log prefix (timestamp, level,
 * logger, thread), as a JSON log record, or the bare message. `publishedAt` (the Kafka record's
 * timestamp) stands in for a time the line does not carry. Whatever it accepts, auth_events
 * stores: text without NUL or lone surrogates, indexed fields that fit their index, a real date
 * within `window`. Pure; never throws.
 */
export function parseKeycloakLine(raw: string, publishedAt: Date, window: TimeWindow): KeycloakParseResult {
  if (raw.length > MAX_KEYCLOAK_LINE_LENGTH) {
    return unparseable(`the line is ${raw.length} characters long; at most ${MAX_KEYCLOAK_LINE_LENGTH}`);
  }
  const rawText = textProblem(raw);
  if (rawText) return unparseable(`the line ${rawText}`);
  const line = raw.replace(/\r?\n$/, '').trim();
  if (line.length === 0) return unparseable('the line is empty');
  let message = line;
  let time: TimeParse = { ok: true, ms: publishedAt.getTime() };
  let logger: string | undefined;
  const json = line.startsWith('{') ? fromJsonLine(line) : undefined;
  const prefixed = json ? undefined : PREFIXED.exec(line);
  if (json) {
    // JSON escapes can make what the raw line does not hold
    const messageText = textProblem(json.message!);
    if (messageText) return unparseable(`message: ${messageText}`);
    message = json.message!;
    logger = json.logger;
    if (json.time) time = lineTime(json.time, publishedAt);
  } else if (prefixed?.groups) {
    message = prefixed.groups.message;
    logger = prefixed.groups.logger.trim();
    time = lineTime(prefixed.groups.time, publishedAt);
  } else if (!/^(type|operationType)=/.test(line)) {
    return unparseable(
      'not an org.keycloak.events line: expected "type=…" or "operationType=…", after the log prefix if any',
    );
  }
  if (logger !== undefined && !logger.startsWith(EVENT_LOGGER)) {
    return unparseable(`logger "${logger}" is not ${EVENT_LOGGER}`);
  }
  if (!time.ok) return unparseable(`the timestamp of the line ${time.reason}`);
  const outside = timeWindowProblem(time.ms, window);
  if (outside) {
    return failure(
      EVENT_FAILURES.KEYCLOAK_TIME_OUT_OF_RANGE,
      `the time of the line, ${isoTime(time.ms)}, ${outside.message}`,
    );
  }
  const pairs = parseKeyValues(message);
  if (!pairs) return unparseable('the event is not a list of key=value pairs separated by ", "');

  return eventFromPairs(pairs, time.ms);
}

/**
 * The event a line's (or a feed record's) key=value pairs describe, checked as auth_events needs
 * it: a known type, a realm, indexed fields that fit their index. Pure; never throws.
 */
export function eventFromPairs(pairs: Map<string, string | null>, timeMs: number): KeycloakParseResult {
  const admin = pairs.has('operationType');
  const type = admin ? pairs.get('operationType') : pairs.get('type');
  if (!type || !/^[A-Z][A-Z0-9_]*$/.test(type))
    return unparseable(`${admin ? 'operationType' : 'type'}: missing or not an event type`);
  if (admin && !OPERATION_TYPES.has(type))
    return unparseable(`operationType: "${type}" is not CREATE, UPDATE, DELETE or ACTION`);
  if (!pairs.get('realmId')) return unparseable('realmId: missing');
  for (const [name, max] of Object.entries(KEYCLOAK_INDEXED_FIELD_LIMITS)) {
    const value = name === 'type' ? type : pairs.get(name);
    if (value && value.length > max) return unparseable(`${name}: ${value.length} characters; at most ${max}`);
  }

  const known = admin ? ADMIN_FIELDS : LOGIN_FIELDS;
  const details: Record<string, string | null> = {};
  for (const [key, value] of pairs) if (!known.includes(key)) details[key] = value;
  const field = (name: string) => pairs.get(name) ?? null;
  return {
    ok: true,
    event: {
      kind: admin ? 'admin' : 'login',
      type,
      occurredAt: new Date(timeMs),
      realmId: field('realmId'),
      realmName: field('realmName'),
      clientId: field('clientId'),
      userId: field('userId'),
      sessionId: field('sessionId'),
      ipAddress: field('ipAddress'),
      error: field('error'),
      resourceType: field('resourceType'),
      resourcePath: field('resourcePath'),
      details,
    },
  };
}
