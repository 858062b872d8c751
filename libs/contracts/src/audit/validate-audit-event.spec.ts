import fc from 'fast-check';
import {
  hostileString,
  propertySeed,
  someAuditEvent,
  someJson,
  someTime,
  unstorableReasons,
} from '../../../../test/support/storable-arbitraries';
import { canonicalHash, canonicalJson } from './canonical-json';
import { EVENT_FAILURES } from './failure';
import { parseAuditRecord } from './parse-audit-record';
import { validateAuditEvent, type AuditValidationOptions } from './validate-audit-event';

const now = new Date('2026-11-23T12:00:00Z');
const options: AuditValidationOptions = { now, maxFutureSkewMs: 300_000, oldest: new Date('2000-01-01T00:00:00Z') };

function event(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id: 'evt-1',
    source: 'meshstack/workspaces',
    type: 'meshstack.workspaceaccess.granted',
    time: '2026-11-23T11:59:00Z',
    data: {
      objectType: 'WorkspaceAccess',
      objectId: 'u-42',
      action: 'granted',
      workspace: 'acme',
      actor: { kind: 'user', id: 'u-1', displayName: 'Admin Anna' },
      change: 'added jane@example.com as Workspace Manager',
      changes: [{ field: 'role', from: null, to: 'Workspace Manager' }],
      ...data,
    },
    ...overrides,
  };
}

/** The record as a producer's bytes: JSON text, lone surrogates escaped as JSON.stringify does. */
const parse = (text: string, opts = options) => parseAuditRecord(Buffer.from(text, 'utf8'), {}, opts);
const refusal = (result: ReturnType<typeof parse>) => (result.ok ? 'accepted' : `${result.code} ${result.message}`);

describe('validateAuditEvent: what PostgreSQL would refuse is refused first', () => {
  it('refuses a lone surrogate in the change line (jsonb: "unsupported Unicode escape sequence")', () => {
    const text = JSON.stringify(event({}, { change: 'x\ud800y' }));
    expect(text).toContain('x\\ud800y');
    expect(refusal(parse(text))).toBe(
      'EVENT.INVALID_TEXT data.change: is not well-formed Unicode (a lone surrogate such as \\ud800)',
    );
  });

  it('refuses a lone surrogate or NUL anywhere: values, keys, extension attributes', () => {
    const nulKey = JSON.stringify(event({}, { changes: [{ field: 'role', to: { 'a\u0000b': 1 } }] }));
    expect(refusal(parse(nulKey))).toBe(
      'EVENT.INVALID_TEXT data.changes[0].to["a\\u0000b"]: the key contains a NUL character (\\u0000)',
    );
    expect(refusal(parse(JSON.stringify(event({ traceparent: 'a\u0000' }))))).toMatch(
      /^EVENT\.INVALID_TEXT traceparent: contains a NUL/,
    );
    expect(
      refusal(parse(JSON.stringify(event({}, { actor: { kind: 'user', id: '\udc00', displayName: 'x' } })))),
    ).toMatch(/^EVENT\.INVALID_TEXT data\.actor\.id: is not well-formed/);
    // a surrogate pair is one character, and fine
    expect(parse(JSON.stringify(event({}, { change: 'rocket \ud83d\ude80' }))).ok).toBe(true);
  });

  it('refuses an event dated 0000-01-01 (PostgreSQL has no year 0) and anything before the oldest time', () => {
    expect(refusal(parse(JSON.stringify(event({ time: '0000-01-01T00:00:00Z' }))))).toBe(
      'EVENT.TIME_OUT_OF_RANGE time: 0000-01-01T00:00:00Z is before 2000-01-01T00:00:00.000Z, the oldest time accepted',
    );
    expect(refusal(parse(JSON.stringify(event({ time: '1970-01-01T00:00:00Z' }))))).toMatch(
      /^EVENT\.TIME_OUT_OF_RANGE/,
    );
    const older = { ...options, oldest: new Date('1960-01-01T00:00:00Z') };
    expect(parse(JSON.stringify(event({ time: '1970-01-01T00:00:00Z' })), older).ok).toBe(true);
  });

  it('uses 2000-01-01 as the oldest time when the options do not say', () => {
    const defaults = { now, maxFutureSkewMs: 300_000 };
    expect(refusal(parse(JSON.stringify(event({ time: '1999-12-31T23:59:59Z' })), defaults))).toMatch(
      /^EVENT\.TIME_OUT_OF_RANGE .* before 2000-01-01T00:00:00\.000Z/,
    );
  });

  it.each([
    ['2026-02-30T00:00:00Z', 'time: "2026-02-30T00:00:00Z" has no day 30 in 2026-02'],
    ['2026-13-01T00:00:00Z', 'time: "2026-13-01T00:00:00Z" has no month 13 (01 to 12)'],
    ['2026-11-23T24:00:00Z', 'time: "2026-11-23T24:00:00Z" has no hour 24 (00 to 23)'],
    ['2026-11-23T10:15:00+25:00', 'time: "2026-11-23T10:15:00+25:00" has no time zone offset +25:00'],
  ])('refuses %s, which new Date() would roll over', (time, message) => {
    expect(refusal(parse(JSON.stringify(event({ time }))))).toBe(`EVENT.INVALID_SCHEMA ${message}`);
  });

  it('takes the leap second 23:59:60Z as the next second, as PostgreSQL does', () => {
    const result = validateAuditEvent(event({ time: '2025-12-31T23:59:60Z' }), options);
    expect(result).toMatchObject({ ok: true, occurredAt: new Date('2026-01-01T00:00:00Z') });
  });

  it('refuses a 100,000-deep array inside changes[].to without overflowing the stack', () => {
    const depth = 100_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const text = JSON.stringify(event()).replace('"to":"Workspace Manager"', `"to":${deep}`);
    const result = parse(text);
    expect(result).toMatchObject({ ok: false, code: EVENT_FAILURES.TOO_DEEP });
    expect(refusal(result)).toBe(
      `EVENT.TOO_DEEP data.changes[0].to${'[0]'.repeat(28)}: is nested deeper than 32 levels`,
    );
    // as a value handed to the validator directly, built iteratively
    let value: unknown = [];
    for (let i = 0; i < depth; i++) value = [value];
    expect(validateAuditEvent(event({}, { changes: [{ field: 'role', to: value }] }), options)).toMatchObject({
      ok: false,
      code: EVENT_FAILURES.TOO_DEEP,
    });
  });

  it('refuses a 100,000-deep value in a field that is looked at first (objectType, specversion)', () => {
    let value: unknown = 'Project';
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(validateAuditEvent(event({}, { objectType: value }), options)).toMatchObject({
      code: EVENT_FAILURES.TOO_DEEP,
    });
    expect(validateAuditEvent(event({ specversion: value }), options)).toMatchObject({ code: EVENT_FAILURES.TOO_DEEP });
  });

  it('refuses strings, arrays and objects above the limits (EVENT.TOO_LARGE)', () => {
    const long = 'x'.repeat(65_537);
    expect(refusal(parse(JSON.stringify(event({}, { changes: [{ field: 'role', to: long }] }))))).toBe(
      'EVENT.TOO_LARGE data.changes[0].to: is a string of 65537 characters; at most 65536',
    );
    const many = Array.from({ length: 10_001 }, () => 0);
    expect(refusal(parse(JSON.stringify(event({}, { changes: [{ field: 'x', to: many }] }))))).toMatch(
      /^EVENT\.TOO_LARGE data\.changes\[0\]\.to: is an array of 10001 items; at most 10000/,
    );
    const keys = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`k${i}`, i]));
    expect(refusal(parse(JSON.stringify(event({}, { changes: [{ field: 'x', to: keys }] }))))).toMatch(
      /^EVENT\.TOO_LARGE data\.changes\[0\]\.to: is an object of 1001 keys; at most 1000/,
    );
    expect(
      refusal(parse(JSON.stringify(event({}, { changes: [{ field: 'x', to: { ['k'.repeat(257)]: 1 } }] })))),
    ).toMatch(/^EVENT\.TOO_LARGE data\.changes\[0\]\.to: has a key of 257 characters/);
  });

  it('refuses a change line that, with the workspace, would not fit the workspace index', () => {
    const change = '語'.repeat(866); // 2,598 bytes of UTF-8
    expect(validateAuditEvent(event({}, { change, workspace: 'ab' }), options).ok).toBe(true);
    expect(refusal(validateAuditEvent(event({}, { change, workspace: 'abc' }), options) as never)).toBe(
      'EVENT.TOO_LARGE data.change: 2601 bytes of UTF-8 together with data.workspace; the two may take at most 2600 (the workspace index holds both)',
    );
  });

  it('counts characters as UTF-16 code units: a variation selector does not make room for more', () => {
    const id = 'a\ufe0f'.repeat(129); // class-validator's MaxLength counts this as 129
    expect(refusal(validateAuditEvent(event({}, { objectId: id }), options) as never)).toBe(
      'EVENT.INVALID_SCHEMA data.objectId: must be at most 256 characters',
    );
  });

  it('refuses a role longer than 256 characters: it is part of the memberships key', () => {
    const result = validateAuditEvent(event({}, { changes: [{ field: 'role', to: 'r'.repeat(257) }] }), options);
    expect(refusal(result as never)).toBe(
      'EVENT.INVALID_SCHEMA data.changes[0].to: the role must be at most 256 characters',
    );
  });

  it('reads own constructor and __proto__ keys as data, never as the class to validate against', () => {
    // class-validator picks the rules by value.constructor: a record naming one crashed validation
    const records = [
      JSON.stringify({ ...event(), constructor: null }),
      JSON.stringify(event({}, { actor: { kind: 'robot', id: 'u', displayName: 'u', constructor: 'Object' } })),
      JSON.stringify(event()).replace('{', '{"__proto__":{"specversion":"1.0"},'),
    ];
    expect(records.map((text) => refusal(parse(text)))).toEqual([
      'accepted',
      expect.stringContaining('data.actor.kind: must be one of'),
      'accepted',
    ]);
  });

  it('refuses what is not JSON data, as a value the publisher may be handed', () => {
    expect(validateAuditEvent(event({}, { changes: [{ field: 'x', to: 10n }] }), options)).toMatchObject({
      code: EVENT_FAILURES.INVALID_SCHEMA,
      message: 'data.changes[0].to: a bigint is not JSON data',
    });
    const cycle: Record<string, unknown> = { field: 'x' };
    cycle.to = cycle;
    expect(validateAuditEvent(event({}, { changes: [cycle] }), options)).toMatchObject({
      code: EVENT_FAILURES.TOO_DEEP,
    });
  });
});

describe('validateAuditEvent: properties', () => {
  const seed = propertySeed('validateAuditEvent');

  it('never throws, and whatever it accepts is storable (for arbitrary JSON and hostile events)', () => {
    const candidate = fc.oneof(
      { weight: 6, arbitrary: someAuditEvent(now) },
      { weight: 1, arbitrary: someJson },
      { weight: 1, arbitrary: fc.jsonValue() },
      {
        weight: 1,
        arbitrary: fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true }),
      },
    );
    let accepted = 0;
    fc.assert(
      fc.property(candidate, (value) => {
        const result = validateAuditEvent(value, options);
        if (!result.ok) return typeof result.code === 'string' && result.message.isWellFormed();
        accepted++;
        expect(unstorableReasons(result, options)).toEqual([]);
        // what the store writes as the event's jsonb is the event, and the hash is that text's
        expect(result.json).toBe(canonicalJson(result.event));
        // (the same data as the standard JSON of it: JSON has no negative zero, -0 is written 0)
        expect(JSON.parse(result.json)).toEqual(JSON.parse(JSON.stringify(result.event)));
        expect(result.hash).toBe(canonicalHash(result.event));
      }),
      { seed, verbose: true, numRuns: 1_000 },
    );
    // the property says something only if events are accepted too
    expect(accepted).toBeGreaterThan(50);
  });

  it('reads any record bytes without throwing: JSON text with any escapes, binary mode headers', () => {
    const bytes = fc.oneof(
      someAuditEvent(now).map((value) => Buffer.from(JSON.stringify(value) ?? '', 'utf8')),
      fc.uint8Array({ maxLength: 64 }).map((array) => Buffer.from(array)),
      hostileString.map((text) => Buffer.from(`{"specversion":"1.0","id":${JSON.stringify(text)}}`, 'utf8')),
    );
    const headers = fc.dictionary(
      fc.constantFrom('ce_specversion', 'ce_id', 'ce_time', 'ce_type', 'ce_source', 'x'),
      hostileString,
    );
    fc.assert(
      fc.property(bytes, headers, (value, header) => {
        const result = parseAuditRecord(value, header, options);
        if (result.ok) expect(unstorableReasons(result, options)).toEqual([]);
      }),
      { seed, verbose: true, numRuns: 500 },
    );
  });

  it('accepts a time exactly when it is a real RFC 3339 instant within [oldest, now + skew]', () => {
    fc.assert(
      fc.property(someTime(now), (time) => {
        const result = validateAuditEvent(event({ time }), options);
        const ms = Date.parse(time);
        const plausible = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i.test(time);
        if (result.ok) {
          expect(plausible).toBe(true);
          expect(result.occurredAt.getTime()).toBeGreaterThanOrEqual(options.oldest!.getTime());
          expect(result.occurredAt.getTime()).toBeLessThanOrEqual(now.getTime() + 300_000);
          // a leap second is the only time Date.parse does not read
          if (!/:60(\.\d+)?(Z|[+-])/i.test(time)) expect(result.occurredAt.getTime()).toBe(ms);
        } else {
          expect([
            EVENT_FAILURES.INVALID_SCHEMA,
            EVENT_FAILURES.INVALID_TEXT,
            EVENT_FAILURES.TIME_IN_FUTURE,
            EVENT_FAILURES.TIME_OUT_OF_RANGE,
          ]).toContain(result.code);
        }
      }),
      { seed, verbose: true, numRuns: 1_000 },
    );
  });
});
