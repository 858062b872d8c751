import fc from 'fast-check';
import {
  AUDIT_EVENT_JSON_LIMITS,
  INDEXED_TEXT_MAX_BYTES,
  STORABLE_TIME_MAX_MS,
  STORABLE_TIME_MIN_MS,
  canonicalHash,
  type AuditValidationOptions,
  type ValidAuditEvent,
} from '@meshtrail/contracts';

/**
 * The seed of a suite's property tests: FC_SEED when given (to replay a failure), else the clock.
 * Printed, so that a failing run can be replayed with FC_SEED=<seed>.
 */
export function propertySeed(suite: string): number {
  const seed = Number(process.env.FC_SEED ?? Date.now());
  console.log(`${suite}: fast-check seed ${seed} (replay with FC_SEED=${seed})`);
  return seed;
}

/** One UTF-16 code unit or code point, biased towards what PostgreSQL refuses. */
const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\uffff', '\u2028', '\n') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
);

/** Any string: lone surrogates, NUL and every code point included. */
export const hostileString = fc.string({ unit: hostileUnit, maxLength: 24 });

/** Printable text that PostgreSQL stores (letters of all scripts, emoji). */
export const cleanString = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });

/** Long text of 1-, 3- and 4-byte characters, around the index and field limits. */
export const longString = fc.string({ unit: fc.constantFrom('a', 'é', '語', '😀'), minLength: 200, maxLength: 3_000 });

/** Mostly text that passes, sometimes text that must not. */
export const someText = fc.oneof(
  { weight: 6, arbitrary: cleanString },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: longString },
);

/** Nested `depth` times in arrays and objects, built iteratively. */
export function nested(leaf: unknown, depth: number): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 3 === 0 ? { k: value } : [value];
  return value;
}

/** JSON values: ordinary ones, ones with hostile keys and strings, and deep ones. */
export const someJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, fc.integer(), fc.constant(null))) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.jsonValue({ maxDepth: 1 }), fc.integer({ min: 0, max: 60 })).map(([v, d]) => nested(v, d)),
  },
);

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Timestamps of every kind: real and in the window, calendar-invalid, out of range, not RFC 3339. */
export function someTime(now: Date): fc.Arbitrary<string> {
  const recent = fc
    .integer({ min: -30 * 86_400_000, max: 600_000 })
    .map((offset) => new Date(now.getTime() + offset).toISOString());
  const anyDate = fc.date().map((date) => (Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString()));
  const parts = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 61 }),
      second: fc.integer({ min: 0, max: 61 }),
      fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
      zone: fc.oneof(
        fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+24:00', '+05:60'),
        fc
          .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
          .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
      ),
    })
    .map(
      (t) =>
        `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
        `${t.fraction === undefined ? '' : `.${t.fraction}`}${t.zone}`,
    );
  return fc.oneof(
    { weight: 5, arbitrary: recent },
    { weight: 2, arbitrary: anyDate },
    { weight: 3, arbitrary: parts },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '0000-01-01T00:00:00Z',
        '2026-02-30T00:00:00Z',
        '2024-02-29T12:00:00Z',
        '2016-12-31T23:59:60Z',
        '9999-12-31T23:59:59.999-23:59',
      ),
    },
    { weight: 1, arbitrary: hostileString },
  );
}

/** Where a mutation puts its value in an audit event. */
const MUTABLE_FIELDS = [
  'id',
  'source',
  'type',
  'subject',
  'time',
  'data.objectId',
  'data.objectName',
  'data.workspace',
  'data.actor',
  'data.actor.id',
  'data.actor.displayName',
  'data.change',
  'data.changes',
  'data.changes.0.to',
  'data.changes.1.from',
  'data.correlationId',
] as const;

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== 'object') return;
    at = next as Record<string, unknown>;
  }
  at[keys[keys.length - 1]] = value;
}

/**
 * Audit events, about a third of them valid: a valid event, then up to three of its fields
 * replaced by text, times and JSON that the validator must judge, and perhaps an extension
 * attribute of any name and value.
 */
export function someAuditEvent(now: Date): fc.Arbitrary<Record<string, unknown>> {
  const base = fc.record({
    id: fc.uuid(),
    source: cleanString,
    time: fc.integer({ min: -30 * 86_400_000, max: 300_000 }).map((d) => new Date(now.getTime() + d).toISOString()),
    objectType: fc.constantFrom('Project', 'PlatformInstance', 'WorkspaceAccess', 'AdminSettings', 'LandingZone'),
    access: fc.constantFrom('granted', 'revoked'),
    objectId: cleanString,
    workspace: cleanString,
    actor: fc.record({ kind: fc.constantFrom('user', 'apiKey', 'system'), id: cleanString, displayName: cleanString }),
    change: cleanString,
    role: cleanString,
    other: fc.record({ field: cleanString, from: fc.jsonValue({ maxDepth: 3 }), to: fc.jsonValue({ maxDepth: 3 }) }),
  });
  const mutation = fc.tuple(
    fc.constantFrom(...MUTABLE_FIELDS),
    fc.oneof(someText, someJson, someTime(now), fc.constant(undefined)),
  );
  return fc
    .tuple(base, fc.array(mutation, { maxLength: 3 }), fc.option(fc.tuple(hostileString, someJson), { nil: undefined }))
    .map(([e, mutations, extension]) => {
      const access = e.objectType === 'WorkspaceAccess';
      const event: Record<string, unknown> = {
        specversion: '1.0',
        id: e.id,
        source: e.source,
        type: `meshstack.${e.objectType.toLowerCase()}.created`,
        time: e.time,
        data: {
          objectType: e.objectType,
          objectId: e.objectId,
          action: access ? e.access : 'created',
          workspace: e.workspace,
          actor: { ...e.actor },
          change: e.change,
          changes: [{ field: 'role', from: e.role, to: e.role }, { ...e.other }],
        },
      };
      for (const [path, value] of mutations) setPath(event, path, value);
      if (extension) event[extension[0]] = extension[1];
      return event;
    });
}

/**
 * Why PostgreSQL would refuse a value as jsonb (NUL, lone surrogates, what is not JSON data), or
 * recursive code could not walk it (deeper than `maxDepth`); empty when neither. Iterative.
 */
export function unstorableJsonReasons(root: unknown, maxDepth: number): string[] {
  const reasons: string[] = [];
  const stack: Array<[unknown, number]> = [[root, 1]];
  const text = (s: string, where: string) => {
    if (s.includes('\u0000')) reasons.push(`${where} ${JSON.stringify(s)} holds NUL`);
    if (!s.isWellFormed()) reasons.push(`${where} ${JSON.stringify(s)} is not well-formed`);
  };
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') text(value, 'the string');
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
      reasons.push(`a ${typeof value}`);
    }
    if (typeof value === 'number' && !Number.isFinite(value)) reasons.push(`the number ${value}`);
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) {
      reasons.push(`nested deeper than ${maxDepth}`);
      break;
    }
    for (const [key, item] of Object.entries(value)) {
      if (!Array.isArray(value)) text(key, 'the key');
      stack.push([item, depth + 1]);
    }
  }
  return reasons;
}

/**
 * What must hold of every accepted event for PostgreSQL to store it: the reasons it would not,
 * an empty list when it would.
 */
export function unstorableReasons(result: ValidAuditEvent, options: AuditValidationOptions): string[] {
  const reasons = unstorableJsonReasons(result.event, AUDIT_EVENT_JSON_LIMITS.maxDepth);
  const at = result.occurredAt.getTime();
  const oldest = Math.max(options.oldest?.getTime() ?? Date.parse('2000-01-01T00:00:00Z'), STORABLE_TIME_MIN_MS);
  const newest = Math.min(options.now.getTime() + options.maxFutureSkewMs, STORABLE_TIME_MAX_MS);
  if (!(at >= oldest && at <= newest))
    reasons.push(`occurredAt ${result.occurredAt.toISOString()} is outside the window`);
  if (!/^\d{4}-/.test(result.occurredAt.toISOString())) reasons.push('occurredAt is not a four-digit year');
  const data = result.event.data;
  const indexed = Buffer.byteLength(data.change, 'utf8') + Buffer.byteLength(data.workspace ?? '', 'utf8');
  if (indexed > INDEXED_TEXT_MAX_BYTES) reasons.push(`change and workspace take ${indexed} bytes`);
  try {
    JSON.stringify(result.event);
    if (canonicalHash(result.event) !== result.hash) reasons.push('the hash is not the canonical hash');
  } catch (error) {
    reasons.push(`JSON.stringify or canonicalHash threw: ${(error as Error).message}`);
  }
  return reasons;
}
