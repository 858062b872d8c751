import type { ConsumedRecord } from '@meshtrail/kafka';
import { accessLogEntries, auditEventEntry, oneLineJson } from './siem-entry';

function consumed(value: string | null, headers: Record<string, string> = {}): ConsumedRecord {
  return {
    topic: 't',
    partition: 0,
    offset: '0',
    key: null,
    value: value === null ? null : Buffer.from(value),
    headers,
    timestamp: '1772600767089',
    size: value?.length ?? 0,
  };
}

const access = {
  id: '0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f',
  time: '2026-03-04T05:06:07.089Z',
  service: 'gateway',
  host: 'gw-1',
  remoteIp: '10.2.28.155',
  status: 503,
  method: 'GET',
  path: '/api/v1/events?workspace=ws-1',
  principal: 'ops]\n"root"',
  userAgent: null,
  accept: 'application/json',
  durationMs: 12,
  line: '10.2.28.155 503 "GET /api/v1/events?workspace=ws-1" [ops\\]\\n\\"root\\"] - application/json 12ms',
};

describe('accessLogEntries', () => {
  it('carries the access line as message and the fields as single-line structured data', () => {
    const result = accessLogEntries(consumed(JSON.stringify(access)));
    expect(result).toEqual({
      rejected: [],
      entries: [
        {
          stream: 'access-logs',
          timestamp: access.time,
          hostname: 'gw-1',
          appName: 'meshtrail-gateway',
          msgId: 'access',
          severity: 4,
          sdName: 'access',
          params: [
            ['id', access.id],
            ['service', 'gateway'],
            ['remoteIp', '10.2.28.155'],
            ['status', '503'],
            ['method', 'GET'],
            ['path', '/api/v1/events?workspace=ws-1'],
            ['principal', 'ops]\\n"root"'],
            ['accept', 'application/json'],
            ['durationMs', '12'],
          ],
          message: access.line,
          json: JSON.stringify(access),
        },
      ],
    });
  });

  it('reads every record of a multi-record value, and the reasons for the lines it cannot', () => {
    const value = [JSON.stringify(access), 'nope', JSON.stringify({ ...access, status: 200 })].join('\n');
    const result = accessLogEntries(consumed(value));
    expect(result.entries.map((e) => e.severity)).toEqual([4, 6]);
    expect(result.rejected).toEqual([expect.stringMatching(/^ACCESS_LOG\.NOT_JSON/)]);
  });

  it('grades severity by status', () => {
    const severity = (status: number) =>
      accessLogEntries(consumed(JSON.stringify({ ...access, status }))).entries[0].severity;
    expect([severity(200), severity(302), severity(404), severity(500)]).toEqual([6, 6, 5, 4]);
  });

  it('refuses what is not an access-log record, with the reason', () => {
    expect(accessLogEntries(consumed('nope'))).toEqual({
      entries: [],
      rejected: [expect.stringMatching(/^ACCESS_LOG\.NOT_JSON/)],
    });
  });
});

describe('auditEventEntry', () => {
  const event = {
    specversion: '1.0',
    id: 'evt-1',
    source: 'meshstack/workspaces',
    type: 'meshstack.workspace.updated',
    subject: 'ws-1',
    time: '2026-03-04T05:06:07Z',
    data: { change: 'added jane@example.com\u2028as Workspace Manager' },
  };

  it('reads a structured-mode CloudEvent: attributes as structured data, the event as one JSON line', () => {
    const result = auditEventEntry(consumed(JSON.stringify(event)), 'fwd-1');
    expect(result.ok && result.entry).toEqual({
      stream: 'audit-events',
      timestamp: '2026-03-04T05:06:07.000Z',
      hostname: 'fwd-1',
      appName: 'meshtrail-audit',
      msgId: 'audit',
      severity: 5,
      sdName: 'audit',
      params: [
        ['id', 'evt-1'],
        ['source', 'meshstack/workspaces'],
        ['type', 'meshstack.workspace.updated'],
        ['subject', 'ws-1'],
        ['time', '2026-03-04T05:06:07.000Z'],
      ],
      message: oneLineJson(event),
      json: oneLineJson(event),
    });
    expect(result.ok && result.entry.json).toContain('jane@example.com\\u2028as');
    expect(JSON.parse(result.ok ? result.entry.json : '')).toEqual(event);
  });

  it('skips an event nested too deep to serialise, with its reason, instead of throwing', () => {
    const depth = 200_000;
    const deep = JSON.stringify(event).replace('"data":{', `"deep":${'['.repeat(depth)}${']'.repeat(depth)},"data":{`);
    expect(auditEventEntry(consumed(deep), 'fwd-1')).toEqual({
      ok: false,
      reason: 'AUDIT.NOT_SERIALIZABLE: Maximum call stack size exceeded',
    });
  });

  it('reads a binary-mode CloudEvent from ce_ headers, falling back to the broker time', () => {
    const result = auditEventEntry(
      consumed('{"change":"x"}', {
        ce_specversion: '1.0',
        ce_id: 'evt-2',
        ce_source: 'kcat',
        ce_type: 'meshstack.project.created',
        'content-type': 'application/json',
      }),
      'fwd-1',
    );
    expect(result.ok && JSON.parse(result.entry.json)).toEqual({
      specversion: '1.0',
      id: 'evt-2',
      source: 'kcat',
      type: 'meshstack.project.created',
      datacontenttype: 'application/json',
      data: { change: 'x' },
    });
    expect(result.ok && result.entry.timestamp).toBe('2026-03-04T05:06:07.089Z');
  });

  it('refuses what is not a CloudEvent, with the reason', () => {
    expect(auditEventEntry(consumed('[1]'), 'h')).toEqual({ ok: false, reason: 'AUDIT.NOT_AN_OBJECT' });
    expect(auditEventEntry(consumed('{"id":1}'), 'h')).toEqual({
      ok: false,
      reason: 'AUDIT.NOT_A_CLOUDEVENT: id, source and type must be strings',
    });
    expect(auditEventEntry(consumed('{'), 'h')).toEqual({
      ok: false,
      reason: expect.stringMatching(/^AUDIT\.NOT_JSON/),
    });
  });
});
