import { checkAccessLogRecord, decodeAccessLogRecord, type AccessLogRecord } from './access-log';

const valid: AccessLogRecord = {
  id: '0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f',
  time: '2026-03-04T05:06:07.089Z',
  service: 'gateway',
  host: 'gateway-7d9f',
  remoteIp: '10.2.28.155',
  status: 200,
  method: 'GET',
  path: '/api/v1/events?workspace=ws-1',
  principal: 'jane@example.com',
  userAgent: 'curl/8.5.0',
  accept: 'application/json',
  durationMs: 12,
  line: '10.2.28.155 200 "GET /api/v1/events?workspace=ws-1" [jane@example.com] curl/8.5.0 application/json 12ms',
};

describe('checkAccessLogRecord', () => {
  it('accepts a complete record, and null for principal, agent and accept', () => {
    expect(checkAccessLogRecord(valid)).toEqual({ ok: true, record: valid });
    const anonymous = { ...valid, principal: null, userAgent: null, accept: null };
    expect(checkAccessLogRecord(anonymous)).toEqual({ ok: true, record: anonymous });
  });

  it('names every problem of a bad record', () => {
    const result = checkAccessLogRecord({
      ...valid,
      id: 'not-a-uuid',
      time: '2026-03-04 05:06:07',
      status: 1000,
      durationMs: -1,
      path: '',
      principal: 42,
      line: 'ok\n1.2.3.4 200 "GET /forged" [-] - - 1ms',
    });
    expect(result.ok).toBe(false);
    const reason = (result as { reason: string }).reason;
    expect(reason).toMatch(/^ACCESS_LOG\.INVALID: /);
    for (const expected of [
      'id must be a UUID',
      'time must be an ISO 8601 UTC timestamp',
      'status must be an integer from 100 to 599',
      'durationMs must be a non-negative integer',
      'path must be a non-empty string',
      'principal must be null or a string',
      'line must not contain control characters or line breaks',
    ]) {
      expect(reason).toContain(expected);
    }
  });

  it('refuses values that are not objects', () => {
    for (const value of [null, 'x', 42, [valid]]) {
      expect(checkAccessLogRecord(value)).toEqual({ ok: false, reason: 'ACCESS_LOG.NOT_AN_OBJECT' });
    }
  });
});

describe('decodeAccessLogRecord', () => {
  it('decodes JSON bytes into a checked record', () => {
    expect(decodeAccessLogRecord(Buffer.from(JSON.stringify(valid)))).toEqual({ ok: true, record: valid });
  });

  it('gives a reason for empty and non-JSON values', () => {
    expect(decodeAccessLogRecord(null)).toEqual({ ok: false, reason: 'ACCESS_LOG.EMPTY' });
    expect(decodeAccessLogRecord(Buffer.alloc(0))).toEqual({ ok: false, reason: 'ACCESS_LOG.EMPTY' });
    const result = decodeAccessLogRecord(Buffer.from('{"id":'));
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toMatch(/^ACCESS_LOG\.NOT_JSON: /);
  });
});
