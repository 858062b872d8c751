import {
  escapeControls,
  escapeText,
  escapeToken,
  formatAccessLine,
  parseAccessLine,
  roundDurationMs,
  type AccessLineFields,
} from './access-line';

const base: AccessLineFields = {
  remoteIp: '10.2.28.155',
  status: 200,
  method: 'GET',
  path: '/api/v1/events?workspace=ws-1',
  principal: 'jane@example.com',
  userAgent: 'curl/8.5.0',
  accept: 'application/json',
  durationMs: 12,
};

describe('formatAccessLine', () => {
  it("writes the issue's example byte for byte", () => {
    expect(formatAccessLine(base)).toBe(
      '10.2.28.155 200 "GET /api/v1/events?workspace=ws-1" [jane@example.com] curl/8.5.0 application/json 12ms',
    );
  });

  it('prints - for an anonymous request and a missing or empty agent and accept', () => {
    expect(formatAccessLine({ ...base, principal: null, userAgent: null, accept: '' })).toBe(
      '10.2.28.155 200 "GET /api/v1/events?workspace=ws-1" [-] - - 12ms',
    );
    expect(formatAccessLine({ ...base, principal: '', remoteIp: '' })).toBe(
      '- 200 "GET /api/v1/events?workspace=ws-1" [-] curl/8.5.0 application/json 12ms',
    );
  });

  it('tells a literal "-" apart from a missing value', () => {
    expect(formatAccessLine({ ...base, principal: '-', userAgent: '-', accept: '-' })).toBe(
      '10.2.28.155 200 "GET /api/v1/events?workspace=ws-1" [\\x2d] \\x2d \\x2d 12ms',
    );
  });

  it('escapes a forged second line in the agent, so one request stays one line', () => {
    const forged = 'curl/8.5.0\n10.0.0.1 200 "GET /admin" [root] curl/8.5.0 */* 1ms';
    const line = formatAccessLine({ ...base, userAgent: forged });
    expect(line).toBe(
      '10.2.28.155 200 "GET /api/v1/events?workspace=ws-1" [jane@example.com] ' +
        'curl/8.5.0\\n10.0.0.1\\x20200\\x20\\"GET\\x20/admin\\"\\x20[root]\\x20curl/8.5.0\\x20*/*\\x201ms ' +
        'application/json 12ms',
    );
    expect(line).not.toMatch(/[\r\n]/);
  });

  it('escapes quotes, backslashes and spaces in the path so the request cannot be closed early', () => {
    const line = formatAccessLine({ ...base, path: '/a"b\\c d?x=1"] [admin' });
    expect(line).toBe(
      '10.2.28.155 200 "GET /a\\"b\\\\c\\x20d?x=1\\"]\\x20[admin" [jane@example.com] curl/8.5.0 application/json 12ms',
    );
  });

  it('escapes every C0 control, DEL, C1 controls and Latin-1 bytes in tokens', () => {
    const controls = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
    expect(escapeToken(controls)).toBe(
      '\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f' +
        '\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f',
    );
    expect(escapeToken('\x7f\x85\x9b\xa0\xe9')).toBe('\\x7f\\x85\\x9b\\xa0\\xe9');
    expect(escapeToken('a\u2028b\u202ec\ud800')).toBe('a\\u2028b\\u202ec\\ud800');
    // ANSI escape sequences cannot recolour or clear a terminal that shows the log
    expect(escapeToken('\x1b[2J\x1b[31mred')).toBe('\\x1b[2J\\x1b[31mred');
  });

  it('keeps Unicode names readable in the principal but escapes its delimiters and invisible tricks', () => {
    expect(escapeText('Jörg Müller 🚀')).toBe('Jörg Müller 🚀');
    expect(escapeText('ops] [root')).toBe('ops\\] [root');
    expect(escapeText('a\\b"c')).toBe('a\\\\b\\"c');
    expect(escapeText('evil\r\nline\u2028sep\u2029par\u0085nel')).toBe('evil\\r\\nline\\u2028sep\\u2029par\\x85nel');
    expect(escapeText('admin\u202e\u2066x\u200f')).toBe('admin\\u202e\\u2066x\\u200f');
    expect(escapeText('lone\udc00 and \ud83d')).toBe('lone\\udc00 and \\ud83d');
  });

  it('writes the status and duration as numbers', () => {
    expect(formatAccessLine({ ...base, status: 499, durationMs: 0 })).toMatch(/ 499 ".* 0ms$/);
  });
});

describe('escapeControls', () => {
  it('escapes backslashes and what breaks or disguises a line, and leaves quotes, brackets and spaces', () => {
    expect(escapeControls('Mozilla/5.0 (X11) "quoted" [x]')).toBe('Mozilla/5.0 (X11) "quoted" [x]');
    expect(escapeControls('a\\b\nc\r\u0000\u2028\u202e\ud800 é')).toBe('a\\\\b\\nc\\r\\x00\\u2028\\u202e\\ud800 é');
    expect(escapeControls('-')).toBe('-');
  });
});

describe('roundDurationMs', () => {
  it('rounds to the nearest millisecond, half up', () => {
    expect(roundDurationMs(0n)).toBe(0);
    expect(roundDurationMs(499_999n)).toBe(0);
    expect(roundDurationMs(500_000n)).toBe(1);
    expect(roundDurationMs(12_499_999n)).toBe(12);
    expect(roundDurationMs(12_500_000n)).toBe(13);
  });
});

describe('parseAccessLine', () => {
  it('reads the example back into its fields', () => {
    expect(parseAccessLine(formatAccessLine(base))).toEqual(base);
  });

  it('gives null for the fields printed as -', () => {
    expect(parseAccessLine('127.0.0.1 404 "GET /x" [-] - - 0ms')).toEqual({
      remoteIp: '127.0.0.1',
      status: 404,
      method: 'GET',
      path: '/x',
      principal: null,
      userAgent: null,
      accept: null,
      durationMs: 0,
    });
  });

  it('refuses what is not an access line', () => {
    for (const line of [
      '{"level":"INFO","message":"Service Started"}',
      '1.2.3.4 200 "GET /x" [-] - -',
      '1.2.3.4 200 "GET /x" [-] a b c 1ms',
      '1.2.3.4 200 "GET /x" [-] a\\q b 1ms',
      '1.2.3.4 200 "GET /x" [-] a\\x4 b 1ms',
    ]) {
      expect({ line, parsed: parseAccessLine(line) }).toEqual({ line, parsed: undefined });
    }
  });

  it('round-trips hostile values exactly, always as a single line', () => {
    const hostile = [
      '',
      '-',
      ' ',
      '\\',
      '\\\\"',
      '"',
      ']',
      '[',
      '\n',
      '\r\n10.0.0.1 200 "GET /" [-] - - 1ms',
      '\u0000\u0007\u001b[0m',
      '\u007f\u0080\u0085\u009f\u00ff',
      '\u2028\u2029\u202a\u202e\u2066\u2069\u061c\u200e\u200f',
      'emoji 🚀 and lone \ud800 \udfff',
      '\\x41 is not A',
      '\\n is not a line break',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      'text/html, application/xhtml+xml, */*;q=0.8',
      '"] [root] curl/8 */* 1ms',
    ];
    const random = mulberry32(42);
    for (let i = 0; i < 300; i++) {
      hostile.push(Array.from({ length: 1 + Math.floor(random() * 24) }, () => randomChar(random)).join(''));
    }
    for (const value of hostile) {
      const nonEmpty = value === '' ? 'x' : value;
      const fields: AccessLineFields = {
        remoteIp: nonEmpty,
        status: 418,
        method: nonEmpty,
        path: nonEmpty,
        principal: value === '' ? null : value,
        userAgent: value === '' ? null : value,
        accept: value === '' ? null : value,
        durationMs: 7,
      };
      const line = formatAccessLine(fields);
      expect({ value, breaks: /[\n\r\u2028\u2029\u0085]/.test(line) }).toEqual({ value, breaks: false });
      expect({ value, parsed: parseAccessLine(line) }).toEqual({ value, parsed: fields });
    }
  });
});

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mostly the characters that matter for escaping, sometimes anything in the BMP. */
function randomChar(random: () => number): string {
  const nasty = ' "\\[]-\n\r\t\u0000\u001b\u007f\u0085\u2028\u2029\u202e\ud800\udc00xn0';
  return random() < 0.7
    ? nasty[Math.floor(random() * nasty.length)]
    : String.fromCharCode(Math.floor(random() * 0x10000));
}
