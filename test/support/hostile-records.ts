/**
 * fast-check arbitraries for records a hostile or broken producer might publish: mutations of valid
 * audit events, Keycloak event-log lines and access-log records (Unicode edge cases, extreme and
 * impossible dates, huge and deeply nested values, wrong types, random bytes), plus the valid ones
 * they are interleaved with. Each comes with what it must become: `stored` for records built to be
 * valid, `any` for the rest (stored or dead-lettered, as the validator decides).
 */
import fc from 'fast-check';

export interface HostileRecord {
  value: Buffer | null;
  headers?: Record<string, string>;
  /** `stored`: built valid, must be stored; `any`: stored or dead-lettered with a reason. */
  expect: 'stored' | 'any';
  /** What the generator did, for the failure message. */
  label: string;
}

/**
 * Ids are handed out in generation order, the same for the same seed: fast-check's uuid() favours
 * a few edge values, and two valid events sharing an id would be a conflict, not a valid pair.
 */
let serial = 0;
const freshId = fc.constant(null).map(() => `a0000000-0000-4000-8000-${(serial++).toString(16).padStart(12, '0')}`);

const recent = () => new Date(Date.now() - 60_000 - Math.floor(Math.random() * 86_400_000)).toISOString();

/** Texts every store must keep as they are: scripts, emoji, combining marks, bidi controls, noncharacters. */
const EXOTIC_BUT_LEGAL = [
  'Łódź Straße 東京 Ελλάδα',
  'family 👨‍👩‍👧‍👦 and flags 🇩🇪🇺🇸',
  'e\u0301 combining, zero\u200Bwidth',
  'right-to-left \u202Eevil\u202C text',
  'tab\tin a change line',
  'backslash \\ and "quotes" and \u2028 separators \u2029',
  'the last BMP code point \uFFFF and U+10FFFF \u{10FFFF}',
];

const legalText = fc.oneof(
  fc.constantFrom(...EXOTIC_BUT_LEGAL),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0),
);

/** An audit event the contract accepts. */
export function validAuditEvent(id: string, text: string, workspace: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: 'meshstack/fuzz',
    type: 'meshstack.project.updated',
    subject: `project-${id.slice(0, 8)}`,
    time: recent(),
    datacontenttype: 'application/json',
    data: {
      objectType: 'Project',
      objectId: `project-${id.slice(0, 8)}`,
      objectName: text.slice(0, 100),
      action: 'updated',
      workspace,
      actor: { kind: 'user', id: 'fuzz-user', displayName: 'Fuzz User' },
      change: `renamed to ${text}`,
      changes: [{ field: 'name', from: 'before', to: text }],
    },
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** The JSON text with a raw string spliced in where `"@@"` stands: for escapes JSON.stringify never writes. */
const splice = (value: unknown, raw: string) => Buffer.from(JSON.stringify(value).replace('"@@"', raw), 'utf8');

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

const IMPOSSIBLE_TIMES: unknown[] = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '9999-12-31T23:59:59Z',
  '2026-02-30T10:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-12-04T24:00:00Z',
  '2026-12-04T23:60:00Z',
  '2026-12-04',
  '1969-12-31T23:59:59Z',
  '',
  'yesterday',
  1e21,
  -1,
  null,
  {},
  [],
];

type Mutation = (event: Record<string, unknown>) => { value: Buffer; label: string };
const data = (event: Record<string, unknown>) => event.data as Record<string, unknown>;

const auditMutations: Array<fc.Arbitrary<Mutation>> = [
  fc.constantFrom('\\ud800', '\\udfff', 'x\\ud800y', '\\udc00\\ud800').map((escape): Mutation => (event) => {
    data(event).change = '@@';
    return { value: splice(event, `"${escape}"`), label: `lone surrogate ${escape} in change` };
  }),
  fc.constantFrom('change', 'objectName', 'objectId', 'workspace').map((field): Mutation => (event) => {
    data(event)[field] = `before\u0000after`;
    return { value: json(event), label: `NUL in data.${field}` };
  }),
  fc.constant<Mutation>((event) => {
    data(event).changes = [{ field: 'x\u0000y', from: 1, to: 2 }];
    return { value: json(event), label: 'NUL in a key' };
  }),
  fc.constantFrom(...IMPOSSIBLE_TIMES).map((time): Mutation => (event) => {
    event.time = time;
    return { value: json(event), label: `time ${JSON.stringify(time)}` };
  }),
  fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) }).map((date): Mutation => (event) => {
    event.time = date.toISOString();
    return { value: json(event), label: `time ${date.toISOString()}` };
  }),
  fc.constantFrom(40, 1_000, 100_000).map((depth): Mutation => (event) => {
    data(event).changes = [{ field: 'deep', from: null, to: '@@' }];
    return { value: splice(event, nested(depth)), label: `${depth}-deep array in changes[].to` };
  }),
  fc.constantFrom(70_000, 900_000, 1_200_000).map((length): Mutation => (event) => {
    data(event).change = 'x'.repeat(length);
    return { value: json(event), label: `change of ${length} characters` };
  }),
  fc.constantFrom(10_000, 30_000).map((width): Mutation => (event) => {
    data(event).changes = Array.from({ length: width }, (_, i) => ({ field: `f${i}`, from: i, to: i + 1 }));
    return { value: json(event), label: `${width} entries in changes` };
  }),
  fc
    .tuple(
      fc.constantFrom(
        'id',
        'specversion',
        'time',
        'data',
        'data.actor',
        'data.changes',
        'data.action',
        'data.workspace',
      ),
      fc.anything({ maxDepth: 3 }),
    )
    .map(([path, replacement]): Mutation => (event) => {
      const [head, tail] = path.split('.');
      if (tail) data(event)[tail] = replacement;
      else event[head] = replacement;
      return { value: json(event), label: `${path} replaced by a ${typeof replacement}` };
    }),
  fc
    .constantFrom(Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]))
    .map((bytes): Mutation => (event) => {
      data(event).change = '@@';
      const [before, after] = JSON.stringify(event).split('"@@"');
      return {
        value: Buffer.concat([Buffer.from(`${before}"`), bytes, Buffer.from(`"${after}`)]),
        label: `invalid UTF-8 ${bytes.toString('hex')} in change`,
      };
    }),
];

/** Characters whose name key is wider in UTF-8 than they are: upper-cased into several (ΐ, ß, ﬃ). */
const EXPANDING = [...'\u0390\u03b0\u1f52\u1fb7\u1fd7\u1fe7\u1ff7\ufb03\ufb04\u1f80\u0149\u01f0\u00df\u1e96'];
/** Letters NFC decomposes (क़ into क and a nukta): 3 bytes of UTF-8 in the name, 6 in its key. */
const DECOMPOSED = [
  ...'\u0958\u0959\u095a\u095b\u095c\u095d\u095e\u095f\u09dc\u09dd\u09df\u0a33\u0a36\u0a59\u0f43\ufb2c',
];
const cjk = fc.integer({ min: 0x4e00, max: 0x9fff }).map((code) => String.fromCharCode(code));

/** Workspace names a producer may send (the contract takes them): huge, folding wider, bidi, blank, decomposed. */
const hostileButLegalName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...EXPANDING), minLength: 400, maxLength: 512 }),
  fc.string({ unit: cjk, minLength: 400, maxLength: 512 }),
  fc.string({ unit: fc.oneof(cjk, fc.constantFrom(...EXPANDING)), minLength: 512, maxLength: 512 }),
  fc.constantFrom(
    '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'.repeat(64),
    'right-to-left \u202Eevil\u202C name',
    '\u2067isolate\u2069 \u200B\u200Czero\u200Dwidth',
    '   ',
    '\u3000\u00a0\t',
    '\u200B\u200E\u2060',
    'Cafe\u0301',
    'Caf\u00e9',
    '\ufeffbom',
  ),
  legalText,
);

/** A Workspace event (created, renamed or deleted) for `workspace`, named `name`. */
export function workspaceEvent(id: string, action: string, workspace: string, name: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: 'meshstack/fuzz',
    type: `meshstack.workspace.${action}`,
    time: recent(),
    datacontenttype: 'application/json',
    data: {
      objectType: 'Workspace',
      objectId: workspace,
      objectName: name,
      action,
      workspace,
      actor: { kind: 'user', id: 'fuzz-user', displayName: 'Fuzz User' },
      change: `${action} workspace`,
    },
  };
}

/**
 * Workspace events with hostile names, which the trail projector folds into the workspace-name
 * projection: legal ones (stored) and names the contract refuses (NUL, a lone surrogate, too long).
 */
function workspaceNameRecord(workspaces: string[]): fc.Arbitrary<HostileRecord> {
  const workspace = fc.oneof(fc.constantFrom(...workspaces), fc.string({ unit: cjk, minLength: 256, maxLength: 256 }));
  const action = fc.constantFrom('created', 'updated', 'updated', 'deleted');
  // about 150 widening letters among 512 CJK, for a workspace id of 256: a key too varied to compress and
  // too wide for a btree entry uncompressed, which once failed the projector's every attempt
  const widest = fc.noBias(
    fc.tuple(
      fc.string({
        unit: fc.oneof({ weight: 7, arbitrary: cjk }, { weight: 3, arbitrary: fc.constantFrom(...DECOMPOSED) }),
        minLength: 512,
        maxLength: 512,
      }),
      fc.string({ unit: cjk, minLength: 256, maxLength: 256 }),
    ),
  );
  const named = fc.oneof(fc.tuple(hostileButLegalName, workspace), widest);
  const legal = fc.tuple(freshId, action, named).map(([id, act, [name, ws]]) => ({
    value: json(workspaceEvent(id, act, ws, name)),
    expect: 'stored' as const,
    label: `Workspace ${act} named ${JSON.stringify(name.slice(0, 12))} (${name.length} characters)`,
  }));
  const refused = fc
    .tuple(freshId, action, workspace, fc.constantFrom('nul', 'surrogate', 'long'))
    .map(([id, act, ws, kind]) => {
      const event = workspaceEvent(id, act, ws, kind === 'long' ? 'x'.repeat(513) : kind === 'nul' ? 'a\u0000b' : '@@');
      return {
        value: kind === 'surrogate' ? splice(event, '"name \\ud800"') : json(event),
        expect: 'any' as const,
        label: `Workspace ${act} with a name that is ${kind}`,
      };
    });
  return fc.oneof({ weight: 3, arbitrary: legal }, { weight: 1, arbitrary: refused });
}

/** An audit event record: valid, or one hostile mutation of a valid one, or random bytes. */
export function auditRecord(workspaces: string[]): fc.Arbitrary<HostileRecord> {
  const valid = fc.tuple(freshId, legalText, fc.constantFrom(...workspaces)).map(([id, text, workspace]) => ({
    value: json(validAuditEvent(id, text, workspace)),
    expect: 'stored' as const,
    label: 'valid',
  }));
  const mutated = fc
    .tuple(fc.oneof(...auditMutations), freshId, legalText, fc.constantFrom(...workspaces))
    .map(([mutate, id, text, workspace]) => {
      const { value, label } = mutate(validAuditEvent(id, text, workspace));
      return { value, expect: 'any' as const, label };
    });
  const bytes = fc.oneof(
    fc
      .uint8Array({ maxLength: 2_000 })
      .map((raw) => ({ value: Buffer.from(raw), expect: 'any' as const, label: 'random bytes' })),
    fc.constant({ value: null, expect: 'any' as const, label: 'no value (tombstone)' }),
    fc.constant({ value: Buffer.alloc(0), expect: 'any' as const, label: 'empty value' }),
  );
  const binary = fc
    .tuple(fc.string({ unit: 'binary', maxLength: 40 }), freshId, legalText, fc.constantFrom(...workspaces))
    .map(([hostileHeader, id, text, workspace]) => {
      const event = validAuditEvent(id, text, workspace);
      return {
        value: json(event.data),
        headers: {
          ce_specversion: '1.0',
          ce_id: event.id as string,
          ce_source: hostileHeader.length > 0 ? hostileHeader : 'meshstack/fuzz',
          ce_type: 'meshstack.project.updated',
          ce_time: event.time as string,
          'content-type': 'application/json',
        },
        expect: 'any' as const,
        label: 'binary mode with a hostile ce_source',
      };
    });
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: bytes },
    { weight: 1, arbitrary: binary },
    { weight: 2, arbitrary: workspaceNameRecord(workspaces) },
  );
}

/** Duplicates (the same bytes again) and id conflicts (the same id, other content) of earlier valid records. */
export function repeats(earlier: HostileRecord[], count: number, seed: number): HostileRecord[] {
  const valid = earlier.filter((record) => record.expect === 'stored' && record.value !== null);
  return fc.sample(
    fc.tuple(fc.constantFrom(...valid), fc.boolean()).map(([original, conflict]) => {
      if (!conflict)
        return { value: original.value, headers: original.headers, expect: 'any' as const, label: 'duplicate' };
      // which of the two is stored depends on which partition is read first
      original.expect = 'any';
      const event = JSON.parse(original.value!.toString('utf8')) as Record<string, unknown>;
      data(event).change = `${String(data(event).change)} (and something else)`;
      return { value: json(event), expect: 'any' as const, label: 'id conflict' };
    }),
    { seed, numRuns: count },
  );
}

const keycloakTime = () =>
  new Date(Date.now() - 120_000).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');

export function validKeycloakLine(user: string): string {
  return (
    `${keycloakTime()} INFO  [org.keycloak.events] (executor-thread-7) type="LOGIN_ERROR", realmId="r-1", ` +
    `realmName="meshstack", clientId="meshtrail-web", userId="${user}", sessionId="null", ipAddress="10.0.0.7", error="invalid_user_credentials"`
  );
}

/** An event as the Keycloak event feed publishes it (a KeycloakFeedRecord), with a fresh id. */
export function validKeycloakFeedRecord(id: string, user: string, event: Record<string, unknown> = {}): string {
  return JSON.stringify({
    feed: 'keycloak-admin-api',
    realm: 'meshtrail',
    kind: 'login',
    event: {
      id,
      time: Date.now() - 90_000,
      type: 'LOGIN_ERROR',
      realmId: 'r-1',
      clientId: 'meshtrail-ui',
      userId: user,
      ipAddress: '10.0.0.7',
      error: 'invalid_user_credentials',
      details: { username: user, auth_method: 'openid-connect' },
      ...event,
    },
  });
}

/** Records of the Keycloak event feed: valid, or mutated (NUL in the id, wrong types, impossible times, huge details). */
function keycloakFeedRecord(): fc.Arbitrary<HostileRecord> {
  const user = fc.oneof(legalText, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }));
  const valid = fc.tuple(freshId, user).map(([id, u]) => ({
    value: Buffer.from(validKeycloakFeedRecord(id, u)),
    expect: 'stored' as const,
    label: 'feed record',
  }));
  const mutations: Array<[string, Record<string, unknown>]> = [
    ['NUL in the id', { id: 'a\u0000b' }],
    ['a lone surrogate in a detail', { details: { username: '\ud800' } }],
    ['time as text', { time: '2026-12-05T10:00:00Z' }],
    ['time in 1970', { time: 0 }],
    ['time far ahead', { time: Date.now() + 86_400_000 }],
    ['userId a number', { userId: 42 }],
    ['details a list', { details: ['a'] }],
    ['no type', { type: null }],
    ['a detail of 100000 characters', { details: { username: 'x'.repeat(100_000) } }],
  ];
  const mutated = fc.tuple(freshId, fc.constantFrom(...mutations)).map(([id, [label, change]]) => ({
    // the escapes stay escapes: JSON.parse of the record makes the NUL or surrogate
    value: Buffer.from(validKeycloakFeedRecord(id, 'u', change).replace(/\\\\u/g, '\\u')),
    expect: 'any' as const,
    label: `feed record with ${label}`,
  }));
  return fc.oneof(valid, mutated);
}

/** A Keycloak event-log line or feed record: valid, or mutated (NUL, bad bytes, huge, impossible dates, JSON records with lone surrogates), or random. */
export function keycloakRecord(): fc.Arbitrary<HostileRecord> {
  const user = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }).map((s) => s.replace(/["\\]/g, '_'));
  const valid = user.map((u) => ({
    value: Buffer.from(validKeycloakLine(u)),
    expect: 'stored' as const,
    label: 'valid',
  }));
  const mutated = fc.oneof(
    user.map((u) => ({
      value: Buffer.from(validKeycloakLine(u).replace('10.0.0.7', '10.0\u0000.0.7')),
      label: 'NUL in ipAddress',
    })),
    fc
      .constantFrom(
        '0000-01-01 00:00:00,000',
        '2026-02-30 10:00:00,000',
        '9999-12-31 23:59:59,999',
        '2026-12-04 25:61:61,000',
      )
      .map((time) => ({
        value: Buffer.from(validKeycloakLine('u').replace(/^\S+ \S+/, time)),
        label: `prefix time ${time}`,
      })),
    fc.constantFrom(Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc3, 0x28])).map((bytes) => ({
      value: Buffer.concat([
        Buffer.from(validKeycloakLine('u').slice(0, 60)),
        bytes,
        Buffer.from(validKeycloakLine('u').slice(60)),
      ]),
      label: 'invalid UTF-8',
    })),
    fc.constantFrom(100_000, 1_100_000).map((length) => ({
      value: Buffer.from(validKeycloakLine('x'.repeat(length))),
      label: `userId of ${length} characters`,
    })),
    fc.constantFrom('\\ud800', 'a\\udfffb', '\\u0000').map((escape) => ({
      value: Buffer.from(
        `{"timestamp":"${new Date(Date.now() - 60_000).toISOString()}","level":"INFO","loggerName":"org.keycloak.events","message":"type=\\"LOGIN\\", realmId=\\"r\\", userId=\\"${escape}\\""}`,
      ),
      label: `JSON log record with ${escape}`,
    })),
    fc.uint8Array({ maxLength: 500 }).map((raw) => ({ value: Buffer.from(raw), label: 'random bytes' })),
  );
  return fc.oneof(
    { weight: 1, arbitrary: valid },
    { weight: 2, arbitrary: mutated.map((record) => ({ ...record, expect: 'any' as const })) },
    { weight: 1, arbitrary: keycloakFeedRecord() },
  );
}

/** One access-log record as its JSON line. */
export function validAccessLogRecord(id: string): Record<string, unknown> {
  const time = new Date(Date.now() - 30_000).toISOString();
  return {
    id,
    time,
    service: 'gateway',
    host: 'gateway-0',
    remoteIp: '10.1.2.3',
    status: 200,
    method: 'GET',
    path: `/api/v1/workspaces/w/events?n=${id.slice(0, 6)}`,
    principal: 'jane@example.com',
    userAgent: 'curl/8.5',
    accept: 'application/json',
    durationMs: 12,
    line: `10.1.2.3 200 "GET /api/v1/workspaces/w/events" [jane@example.com] curl/8.5 application/json 12ms`,
  };
}

const accessMutations: Array<fc.Arbitrary<(record: Record<string, unknown>) => { line: string; label: string }>> = [
  fc.constantFrom('principal', 'userAgent', 'path', 'host').map((field) => (record) => {
    record[field] = 'a\u0000b';
    return { line: JSON.stringify(record), label: `NUL in ${field}` };
  }),
  fc.constantFrom('\\ud800', 'x\\udfff').map((escape) => (record) => {
    record.principal = '@@';
    return { line: JSON.stringify(record).replace('"@@"', `"${escape}"`), label: `lone surrogate in principal` };
  }),
  fc
    .constantFrom(
      '0000-01-01T00:00:00.000Z',
      '2026-02-30T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '2026-12-04T24:00:00.000Z',
    )
    .map((time) => (record) => {
      record.time = time;
      return { line: JSON.stringify(record), label: `time ${time}` };
    }),
  fc.constantFrom(1e10, 2 ** 53, -5, 1.5).map((n) => (record) => {
    record.durationMs = n;
    return { line: JSON.stringify(record), label: `durationMs ${n}` };
  }),
  fc.constantFrom('status', 'id', 'time', 'line', 'principal').chain((field) =>
    fc.anything({ maxDepth: 2 }).map((value) => (record: Record<string, unknown>) => {
      record[field] = value;
      return { line: JSON.stringify(record), label: `${field} replaced by a ${typeof value}` };
    }),
  ),
  fc.constant((record: Record<string, unknown>) => {
    record.path = `/${'p'.repeat(70_000)}`;
    return { line: JSON.stringify(record), label: 'path of 70,000 characters' };
  }),
];

/** An access-logs.v1 value of one to four lines, each valid or mutated, or random bytes. */
export function accessLogRecord(): fc.Arbitrary<
  HostileRecord & { lines: Array<{ line: string; expect: 'stored' | 'any' }> }
> {
  const line = fc.oneof(
    {
      weight: 1,
      arbitrary: fc
        .uuid()
        .map((id) => ({ line: JSON.stringify(validAccessLogRecord(id)), expect: 'stored' as const, label: 'valid' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.oneof(...accessMutations), freshId)
        .map(([mutate, id]) => ({ ...mutate(validAccessLogRecord(id)), expect: 'any' as const })),
    },
  );
  const lines = fc.array(line, { minLength: 1, maxLength: 4 }).map((items) => ({
    value: Buffer.from(items.map((item) => item.line).join('\n'), 'utf8'),
    lines: items.map(({ line: text, expect }) => ({ line: text, expect })),
    expect: items.every((item) => item.expect === 'stored') ? ('stored' as const) : ('any' as const),
    label: items.map((item) => item.label).join(' + '),
  }));
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((raw) => ({
    value: Buffer.from(raw),
    lines: [],
    expect: 'any' as const,
    label: 'random bytes',
  }));
  return fc.oneof({ weight: 6, arbitrary: lines }, { weight: 1, arbitrary: bytes });
}
