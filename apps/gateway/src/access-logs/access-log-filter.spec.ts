import { accessLogPageSql, decodeCursor, encodeCursor, likePrefix, parseAccessLogFilter } from './access-log-filter';
import { exportLine } from './access-log-export';

const NOW = new Date('2026-03-04T12:00:00.000Z');
const parse = (query: Record<string, unknown>) => parseAccessLogFilter(query, NOW);
const refusal = (query: Record<string, unknown>) => {
  try {
    parse(query);
  } catch (error) {
    return { parameter: (error as { parameter: string }).parameter, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('parseAccessLogFilter', () => {
  it('defaults to the last 24 hours, 100 per page', () => {
    expect(parse({})).toEqual({ from: '2026-03-03T12:00:00.000Z', to: '2026-03-04T12:00:00.000Z', limit: 100 });
  });

  it('reads every filter', () => {
    const cursor = encodeCursor({ time: '2026-03-04T05:06:07.089Z', id: '0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f' });
    expect(
      parse({
        from: '2026-03-01',
        to: '2026-03-04T05:00',
        principal: 'jane@example.com',
        status: '4xx',
        method: 'post',
        pathPrefix: '/api/v1/events',
        remoteIp: '10.2.28.155',
        limit: '50',
        cursor,
      }),
    ).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-04T05:00:00.000Z',
      principal: 'jane@example.com',
      status: [400, 499],
      method: 'POST',
      pathPrefix: '/api/v1/events',
      remoteIp: '10.2.28.155',
      limit: 50,
      after: { time: '2026-03-04T05:06:07.089Z', id: '0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f' },
    });
    expect(parse({ status: '503', to: '2026-03-04T05:00:00+02:00' })).toMatchObject({
      status: 503,
      to: '2026-03-04T03:00:00.000Z',
    });
    expect(parse({ from: '2026-03-04T05:00:00-0130', to: '2026-03-04T08:00:00Z' })).toMatchObject({
      from: '2026-03-04T06:30:00.000Z',
      to: '2026-03-04T08:00:00.000Z',
    });
  });

  it('refuses what is unknown or malformed, naming the parameter', () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ colour: 'red' }, 'colour', /is not a known parameter/],
      [{ from: 'yesterday' }, 'from', /ISO 8601/],
      [{ to: '2026-13-45' }, 'to', /ISO 8601/],
      [{ to: 'T'.repeat(15_000) }, 'to', /ISO 8601/],
      [{ from: '2026-03-04Z' }, 'from', /ISO 8601/],
      [{ from: '2026-03-05', to: '2026-03-04' }, 'from', /before to/],
      [{ status: '4x' }, 'status', /404 or a class such as 4xx/],
      [{ status: '600' }, 'status', /404/],
      [{ method: 'GET /x' }, 'method', /HTTP method/],
      [{ pathPrefix: 'api' }, 'pathPrefix', /start with \//],
      [{ remoteIp: '10.0.0.0/8' }, 'remoteIp', /IPv4 or IPv6/],
      [{ limit: '0' }, 'limit', /1 to 1000/],
      [{ limit: '1001' }, 'limit', /1 to 1000/],
      [{ cursor: 'not-a-cursor' }, 'cursor', /not a cursor/],
      [{ principal: ['a', 'b'] }, 'principal', /once/],
      [{ principal: 'a\u0000' }, 'principal', /NUL character/],
      [{ pathPrefix: '/\udc00' }, 'pathPrefix', /lone surrogate/],
    ];
    for (const [query, parameter, message] of cases) {
      const refused = refusal(query);
      expect({ query, parameter: refused.parameter }).toEqual({ query, parameter });
      expect(refused.message).toMatch(message);
    }
  });
});

describe('cursors', () => {
  it('round-trip and refuse tampering', () => {
    const position = { time: '2026-03-04T05:06:07.089Z', id: '0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(() => decodeCursor(Buffer.from("x|'; DROP TABLE access_logs").toString('base64url'))).toThrow(
      'cursor: is not a cursor returned by this API',
    );
  });
});

describe('accessLogPageSql', () => {
  it('binds every value as a parameter and orders newest first with a keyset', () => {
    const { sql, params } = accessLogPageSql(
      parse({
        principal: "x' OR 1=1 --",
        status: '5xx',
        pathPrefix: '/a%_\\b',
        cursor: encodeCursor({ time: '2026-03-04T00:00:00.000Z', id: '0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f' }),
      }),
    );
    expect(sql).toBe(
      'SELECT requested_at, id, service, host, remote_ip, status, method, path, principal, user_agent, accept, duration_ms, line ' +
        'FROM access_logs WHERE requested_at >= $1 AND requested_at < $2 AND principal = $3 AND status BETWEEN $4 AND $5 ' +
        "AND path LIKE $6 ESCAPE '\\' AND (requested_at, id) < ($7::timestamptz, $8::uuid) " +
        'ORDER BY requested_at DESC, id DESC LIMIT $9',
    );
    expect(params).toEqual([
      '2026-03-03T12:00:00.000Z',
      '2026-03-04T12:00:00.000Z',
      "x' OR 1=1 --",
      500,
      599,
      '/a\\%\\_\\\\b%',
      '2026-03-04T00:00:00.000Z',
      '0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f',
      101,
    ]);
    expect(likePrefix('/plain')).toBe('/plain%');
  });
});

describe('exports', () => {
  const record = {
    id: '0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f',
    time: '2026-03-04T05:06:07.089Z',
    service: 'gateway',
    host: 'gw-1',
    remoteIp: '10.2.28.155',
    status: 200,
    method: 'GET',
    path: '/x?a="b",c',
    principal: null,
    userAgent: '=HYPERLINK("http://evil")',
    accept: '*/*',
    durationMs: 12,
    line: 'ignored in CSV',
  };

  it('writes NDJSON as the contract line and CSV per RFC 4180, every cell quoted, defusing formulas', () => {
    expect(exportLine('ndjson', record)).toBe(`${JSON.stringify(record)}\n`);
    expect(exportLine('csv', record)).toBe(
      '"2026-03-04T05:06:07.089Z","0b7d3a4e-3f7e-4c1a-9a55-1d2b3c4d5e6f","gateway","gw-1","10.2.28.155","200","GET",' +
        '"/x?a=""b"",c","","\'=HYPERLINK(""http://evil"")","*/*","12"\r\n',
    );
  });
});
