import { canonicalHash } from './canonical-json';
import { EVENT_FAILURES } from './failure';
import { MAX_AUDIT_EVENT_BYTES, parseAuditRecord } from './parse-audit-record';

const now = new Date('2026-11-23T12:00:00Z');
const options = { now, maxFutureSkewMs: 300_000 };

function event(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id: 'evt-1',
    source: 'meshstack/workspaces',
    type: 'meshstack.workspaceaccess.granted',
    subject: 'u-42',
    time: '2026-11-23T11:59:00Z',
    data: {
      objectType: 'WorkspaceAccess',
      objectId: 'u-42',
      objectName: 'jane@example.com',
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

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const parse = (value: unknown, headers: Record<string, string> = {}) =>
  parseAuditRecord(bytes(value), headers, options);

describe('parseAuditRecord', () => {
  it('accepts a structured-mode CloudEvent and hashes its canonical form', () => {
    const result = parse(event());
    expect(result).toMatchObject({ ok: true, occurredAt: new Date('2026-11-23T11:59:00Z') });
    if (!result.ok) throw new Error(result.message);
    expect(result.event.data.objectType).toBe('WorkspaceAccess');
    expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.hash).toBe(canonicalHash(event()));
  });

  it('gives the same hash whatever the key order or spacing', () => {
    const reversed = (value: unknown): unknown =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reversed(v)]),
          )
        : value;
    const shuffled = JSON.stringify(reversed(event()), null, 2);
    expect(shuffled.indexOf('"time"')).toBeLessThan(shuffled.indexOf('"specversion"'));
    const a = parse(event());
    const b = parse(shuffled);
    expect(a.ok && b.ok && a.hash === b.hash).toBe(true);
  });

  it.each([
    ['add', 'created'],
    ['create', 'created'],
    ['Change', 'updated'],
    ['remove', 'deleted'],
    ['delete', 'deleted'],
    ['runs_requested', 'runs_requested'],
  ])('normalises the action alias %s to %s', (alias, canonical) => {
    const result = parse(event({}, { objectType: 'project', action: alias, changes: [] }));
    expect(result.ok && result.event.data).toMatchObject({ objectType: 'Project', action: canonical });
  });

  it('accepts binary mode: attributes in ce_ headers, the data as the value', () => {
    const { data, ...attributes } = event();
    const headers = Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [`ce_${name}`, String(value)]),
    ) as Record<string, string>;
    const result = parse(data, { ...headers, 'content-type': 'application/json' });
    expect(result).toMatchObject({ ok: true, event: { id: 'evt-1', datacontenttype: 'application/json' } });
  });

  it.each([
    ['not JSON', '{"specversion": "1.0", ', EVENT_FAILURES.NOT_JSON, /not valid JSON/],
    ['a JSON array', [1, 2], EVENT_FAILURES.NOT_CLOUDEVENT, /not a CloudEvent/],
    ['no specversion', { id: 'x', data: {} }, EVENT_FAILURES.NOT_CLOUDEVENT, /specversion/],
    ['specversion 0.3', event({ specversion: '0.3' }), EVENT_FAILURES.NOT_CLOUDEVENT, /specversion: must be "1.0"/],
    ['no source', event({ source: undefined }), EVENT_FAILURES.NOT_CLOUDEVENT, /^source: required/],
    [
      'an unknown object type',
      event({}, { objectType: 'Spaceship' }),
      EVENT_FAILURES.UNKNOWN_OBJECT_TYPE,
      /data\.objectType: "Spaceship"/,
    ],
    [
      'an unknown action',
      event({}, { action: 'teleported' }),
      EVENT_FAILURES.UNKNOWN_ACTION,
      /data\.action: "teleported"/,
    ],
    ['no actor', event({}, { actor: undefined }), EVENT_FAILURES.NO_ACTOR, /data\.actor: required/],
    [
      'a wrong actor kind',
      event({}, { actor: { kind: 'robot', id: 'r', displayName: 'R' } }),
      EVENT_FAILURES.INVALID_SCHEMA,
      /data\.actor\.kind: must be one of user, apiKey, system/,
    ],
    [
      'a numeric objectId',
      event({}, { objectId: 42 }),
      EVENT_FAILURES.INVALID_SCHEMA,
      /data\.objectId: must be a string/,
    ],
    [
      'a change of two lines',
      event({}, { change: 'one\ntwo' }),
      EVENT_FAILURES.INVALID_SCHEMA,
      /data\.change: must be one line/,
    ],
    [
      'a bad changes entry',
      event({}, { changes: [{ from: 1 }] }),
      EVENT_FAILURES.INVALID_SCHEMA,
      /data\.changes\[0\]\.field: must be a string/,
    ],
    [
      'a time without zone',
      event({ time: '2026-11-23 11:59' }),
      EVENT_FAILURES.INVALID_SCHEMA,
      /^time: must be an RFC 3339 timestamp/,
    ],
    ['no data', event({ data: undefined }), EVENT_FAILURES.INVALID_SCHEMA, /^data: must be an object/],
    [
      'a project without workspace',
      event({}, { objectType: 'Project', action: 'created', workspace: undefined }),
      EVENT_FAILURES.INVALID_SCHEMA,
      /data\.workspace: required for Project events/,
    ],
    ['a grant without role', event({}, { changes: [] }), EVENT_FAILURES.INVALID_SCHEMA, /must name the role/],
    [
      'a time 10 minutes ahead',
      event({ time: '2026-11-23T12:10:00Z' }),
      EVENT_FAILURES.TIME_IN_FUTURE,
      /more than 300 s ahead/,
    ],
  ])('refuses %s with its code and a message naming the field', (_name, value, code, message) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.message).toMatch(message);
  });

  it('allows a time within the skew, and global objects without a workspace', () => {
    expect(parse(event({ time: '2026-11-23T12:04:00Z' })).ok).toBe(true);
    expect(parse(event({}, { objectType: 'PlatformInstance', action: 'updated', workspace: undefined })).ok).toBe(true);
  });

  it('refuses a record above 1 MiB before decoding it', () => {
    const huge = Buffer.alloc(MAX_AUDIT_EVENT_BYTES + 1, 0x20);
    expect(parseAuditRecord(huge, {}, options)).toMatchObject({ ok: false, code: EVENT_FAILURES.TOO_LARGE });
    expect(parseAuditRecord(null, {}, options)).toMatchObject({ ok: false, code: EVENT_FAILURES.NOT_JSON });
  });
});
