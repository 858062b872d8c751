import fc from 'fast-check';
import { hostileString, propertySeed, someTime } from '../../../test/support/storable-arbitraries';
import {
  ACCESS_LOG_TEXT_LIMITS,
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
      'durationMs must be an integer from 0 to 2147483647',
      'path must be a non-empty string',
      'principal must be null or a string',
      'line must not contain control characters or line breaks',
    ]) {
      expect(reason).toContain(expected);
    }
  });

  const now = new Date('2026-03-04T05:10:00.000Z');
  const reason = (record: Record<string, unknown>, options = { now }) => {
    const result = checkAccessLogRecord(record, options);
    return result.ok ? 'accepted' : result.reason;
  };

  it('refuses text PostgreSQL cannot store: NUL and lone surrogates in any field', () => {
    expect(reason({ ...valid, principal: 'a\u0000b' })).toBe(
      'ACCESS_LOG.INVALID: principal contains a NUL character (\\u0000)',
    );
    expect(reason({ ...valid, userAgent: 'x\ud800y' })).toBe(
      'ACCESS_LOG.INVALID: userAgent is not well-formed Unicode (a lone surrogate such as \\ud800)',
    );
    expect(reason({ ...valid, host: '\udc00', path: '/\u0000' })).toBe(
      'ACCESS_LOG.INVALID: host is not well-formed Unicode (a lone surrogate such as \\ud800); path contains a NUL character (\\u0000)',
    );
  });

  it('refuses fields longer than their columns and indexes hold', () => {
    expect(reason({ ...valid, service: 's'.repeat(65) })).toBe(
      'ACCESS_LOG.INVALID: service must be at most 64 characters',
    );
    expect(reason({ ...valid, remoteIp: '1'.repeat(65) })).toBe(
      'ACCESS_LOG.INVALID: remoteIp must be at most 64 characters',
    );
    expect(reason({ ...valid, principal: 'p'.repeat(513) })).toBe(
      'ACCESS_LOG.INVALID: principal must be at most 512 characters',
    );
    // the path index holds the whole path: 2,600 bytes of UTF-8, whatever the characters
    expect(reason({ ...valid, path: `/${'x'.repeat(2_599)}` })).toBe('accepted');
    expect(reason({ ...valid, path: `/${'é'.repeat(1_300)}` })).toBe(
      'ACCESS_LOG.INVALID: path must be at most 2600 bytes of UTF-8 (its index holds it whole)',
    );
    expect(reason({ ...valid, userAgent: 'u'.repeat(65_537) })).toBe(
      'ACCESS_LOG.INVALID: userAgent must be at most 65536 characters',
    );
    expect(ACCESS_LOG_TEXT_LIMITS.path).toBe(2_600);
  });

  it('refuses durations the integer column cannot hold', () => {
    expect(reason({ ...valid, durationMs: 2_147_483_647 })).toBe('accepted');
    expect(reason({ ...valid, durationMs: 2_147_483_648 })).toBe(
      'ACCESS_LOG.INVALID: durationMs must be an integer from 0 to 2147483647',
    );
    expect(reason({ ...valid, durationMs: 1e300 })).toMatch(/durationMs must be an integer/);
  });

  it('refuses times that are not calendar dates, or outside the window when a clock is given', () => {
    expect(reason({ ...valid, time: '2026-02-30T00:00:00.000Z' })).toBe(
      'ACCESS_LOG.INVALID: time has no day 30 in 2026-02',
    );
    expect(checkAccessLogRecord({ ...valid, time: '0000-01-01T00:00:00.000Z' })).toEqual({
      ok: false,
      reason: 'ACCESS_LOG.INVALID: time is before 0001-01-01T00:00:00.000Z, the oldest time accepted',
    });
    expect(reason({ ...valid, time: '1999-12-31T23:59:59.999Z' })).toBe(
      'ACCESS_LOG.INVALID: time is before 2000-01-01T00:00:00.000Z, the oldest time accepted',
    );
    expect(reason({ ...valid, time: '2026-03-04T05:15:00.001Z' })).toBe(
      'ACCESS_LOG.INVALID: time is more than 300 s ahead of the clock (2026-03-04T05:10:00.000Z)',
    );
    expect(reason({ ...valid, time: '2025-12-31T23:59:60.000Z' })).toBe(
      'ACCESS_LOG.INVALID: time must not be a leap second (23:59:60)',
    );
    // without a clock only what PostgreSQL stores is judged
    expect(checkAccessLogRecord({ ...valid, time: '2031-01-01T00:00:00.000Z' }).ok).toBe(true);
    expect(checkAccessLogRecord({ ...valid, time: '1999-01-01T00:00:00.000Z' }).ok).toBe(true);
  });

  it('returns the known fields only: nothing else travels on to the store or a SIEM', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const result = checkAccessLogRecord({ ...valid, extra: deep }, { now });
    expect(result).toEqual({ ok: true, record: valid });
  });

  it('property: never throws, and what it accepts the access_logs table stores', () => {
    const seed = propertySeed('checkAccessLogRecord');
    const text = fc.oneof(
      { weight: 15, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
      { weight: 1, arbitrary: hostileString },
    );
    const recent = fc.integer({ min: -86_400_000, max: 400_000 }).map((d) => new Date(now.getTime() + d).toISOString());
    const record = fc.record({
      id: fc.oneof({ weight: 9, arbitrary: fc.uuid() }, { weight: 1, arbitrary: hostileString }),
      time: fc.oneof({ weight: 3, arbitrary: recent }, { weight: 1, arbitrary: someTime(now) }),
      service: text,
      host: text,
      remoteIp: text,
      status: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 100, max: 599 }) }, fc.integer(), fc.double()),
      method: text,
      path: fc.oneof(
        { weight: 4, arbitrary: text },
        {
          weight: 1,
          arbitrary: fc.string({ unit: fc.constantFrom('a', 'é', '語'), minLength: 800, maxLength: 2_700 }),
        },
      ),
      principal: fc.option(text, { nil: null }),
      userAgent: fc.option(text, { nil: null }),
      accept: fc.option(text, { nil: null }),
      durationMs: fc.oneof({ weight: 8, arbitrary: fc.nat(10_000) }, fc.integer(), fc.constant(2 ** 31)),
      line: text,
    });
    let accepted = 0;
    fc.assert(
      fc.property(record, (candidate) => {
        const result = checkAccessLogRecord(candidate, { now });
        if (!result.ok) return;
        accepted++;
        const r = result.record;
        for (const value of [
          r.service,
          r.host,
          r.remoteIp,
          r.method,
          r.path,
          r.principal,
          r.userAgent,
          r.accept,
          r.line,
        ]) {
          if (value !== null) expect(!value.includes('\u0000') && value.isWellFormed()).toBe(true);
        }
        expect(Buffer.byteLength(r.path)).toBeLessThanOrEqual(2_600);
        expect(Number.isInteger(r.status) && r.status >= 100 && r.status <= 599).toBe(true);
        expect(Number.isInteger(r.durationMs) && r.durationMs >= 0 && r.durationMs < 2 ** 31).toBe(true);
        const t = Date.parse(r.time);
        expect(t >= Date.parse('2000-01-01T00:00:00Z') && t <= now.getTime() + 300_000).toBe(true);
      }),
      { seed, verbose: true, numRuns: 1_000 },
    );
    expect(accepted).toBeGreaterThan(100);
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
