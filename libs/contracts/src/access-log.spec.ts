import {
  checkAccessLogRecord,
  decodeAccessLogLine,
  decodeAccessLogRecords,
  packAccessLogRecords,
  serializeAccessLogRecord,
  type AccessLogRecord,
} from './access-log';

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

describe('decodeAccessLogLine', () => {
  it('decodes a JSON line into a checked record, and names what is not JSON', () => {
    expect(decodeAccessLogLine(JSON.stringify(valid))).toEqual({ ok: true, record: valid });
    const result = decodeAccessLogLine('{"id":');
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toMatch(/^ACCESS_LOG\.NOT_JSON: /);
  });
});

describe('packAccessLogRecords and decodeAccessLogRecords', () => {
  const records = Array.from({ length: 5 }, (_, n) => ({
    ...valid,
    path: `/x/${n}`,
    principal: n % 2 ? null : 'a\nb',
  }));

  it('round-trip: one JSON line per record, several records per value', () => {
    const values = packAccessLogRecords(records);
    expect(values).toHaveLength(1);
    expect(values[0].split('\n')).toHaveLength(5);
    expect(decodeAccessLogRecords(Buffer.from(values[0]))).toEqual({ records, rejected: [] });
  });

  it('starts a new value at the record or size limit, never splitting a record', () => {
    expect(packAccessLogRecords(records, { maxRecords: 2 }).map((v) => v.split('\n').length)).toEqual([2, 2, 1]);
    const oneLine = JSON.stringify(records[0]).length;
    const bySize = packAccessLogRecords(records, { maxChars: oneLine * 2 + 1 });
    expect(bySize.map((v) => v.split('\n').length)).toEqual([2, 2, 1]);
    expect(bySize.flatMap((v) => decodeAccessLogRecords(Buffer.from(v)).records)).toEqual(records);
    expect(packAccessLogRecords([])).toEqual([]);
  });

  it('judges each line on its own: a bad line costs only itself', () => {
    const value = [
      JSON.stringify(records[0]),
      '{"id":',
      JSON.stringify({ ...records[1], status: 'ok' }),
      JSON.stringify(records[2]),
      '',
    ].join('\n');
    const decoded = decodeAccessLogRecords(Buffer.from(value));
    expect(decoded.records).toEqual([records[0], records[2]]);
    expect(decoded.rejected).toEqual([
      { index: 1, line: '{"id":', reason: expect.stringMatching(/^ACCESS_LOG\.NOT_JSON: /) },
      {
        index: 2,
        line: JSON.stringify({ ...records[1], status: 'ok' }),
        reason: 'ACCESS_LOG.INVALID: status must be an integer from 100 to 599',
      },
    ]);
  });

  it('rejects an empty value', () => {
    expect(decodeAccessLogRecords(null)).toEqual({
      records: [],
      rejected: [{ index: 0, line: '', reason: 'ACCESS_LOG.EMPTY' }],
    });
    expect(decodeAccessLogRecords(Buffer.from('\n'))).toEqual({
      records: [],
      rejected: [{ index: 0, line: '\n', reason: 'ACCESS_LOG.EMPTY' }],
    });
  });
});

describe('serializeAccessLogRecord', () => {
  it('writes exactly what JSON.stringify writes, for plain and hostile values', () => {
    const hostile = ['"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '🚀', '\u2028', '\ud800', '</script>', ''];
    const cases: AccessLogRecord[] = [valid, { ...valid, principal: null, userAgent: null, accept: null }];
    for (const text of hostile) {
      cases.push({
        ...valid,
        path: `/x${text}`,
        principal: text,
        userAgent: `ua${text}`,
        accept: text,
        host: `h${text}`,
      });
    }
    for (const record of cases) {
      const line = serializeAccessLogRecord(record);
      expect(JSON.parse(line)).toEqual(record);
      if (!/[\u2028\u2029\ud800-\udfff]/.test(JSON.stringify(record))) expect(line).toBe(JSON.stringify(record));
      expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
    }
  });
});
