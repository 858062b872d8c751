import { escapeParamValue, formatRfc5424, frameOctetCounted, headerField, sdName } from './rfc5424';

const BOM = '\ufeff';

describe('formatRfc5424', () => {
  it('writes header, structured data, BOM and message byte for byte', () => {
    const bytes = formatRfc5424({
      facility: 16,
      severity: 6,
      timestamp: '2026-03-04T05:06:07.089Z',
      hostname: 'gw-1',
      appName: 'meshtrail-gateway',
      procId: '',
      msgId: 'access',
      structuredData: [
        {
          id: 'access@32473',
          params: [
            ['status', '200'],
            ['path', '/x?a="b"]\\c'],
          ],
        },
      ],
      message: '10.2.28.155 200 "GET /x" [jörg] - - 1ms',
    });
    expect(bytes.toString('utf8')).toBe(
      '<134>1 2026-03-04T05:06:07.089Z gw-1 meshtrail-gateway - access ' +
        '[access@32473 status="200" path="/x?a=\\"b\\"\\]\\\\c"] ' +
        `${BOM}10.2.28.155 200 "GET /x" [jörg] - - 1ms`,
    );
    expect([...bytes.subarray(bytes.indexOf(0xef), bytes.indexOf(0xef) + 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('writes NILVALUE for no structured data and empty header fields', () => {
    const text = formatRfc5424({
      facility: 13,
      severity: 5,
      timestamp: '2026-03-04T05:06:07.089Z',
      hostname: '',
      appName: 'meshtrail-audit',
      procId: '',
      msgId: 'audit',
      structuredData: [],
      message: '{}',
    }).toString('utf8');
    expect(text).toBe(`<109>1 2026-03-04T05:06:07.089Z - meshtrail-audit - audit - ${BOM}{}`);
  });
});

describe('header and structured-data names', () => {
  it('keeps header fields to printable ASCII and their maximum length', () => {
    expect(headerField('my host\nname', 255)).toBe('my_host_name');
    expect(headerField('a'.repeat(60), 48)).toHaveLength(48);
    expect(headerField('jörg', 48)).toBe('j_rg');
    expect(headerField(undefined, 48)).toBe('-');
  });

  it('keeps SD names free of =, space, ] and "', () => {
    expect(sdName('a=b c]d"e')).toBe('a_b_c_d_e');
    expect(sdName('x'.repeat(40))).toHaveLength(32);
    expect(sdName('')).toBe('_');
  });

  it('escapes exactly ", \\ and ] in PARAM-VALUE', () => {
    expect(escapeParamValue('a"b\\c]d[e=f g')).toBe('a\\"b\\\\c\\]d[e=f g');
    expect(escapeParamValue('jörg 🚀')).toBe('jörg 🚀');
  });
});

describe('frameOctetCounted', () => {
  it('prefixes the length in bytes, not characters', () => {
    const message = Buffer.from('<134>1 - - - - - - \ufeffé', 'utf8');
    expect(frameOctetCounted(message).toString('utf8')).toBe(`${message.length} <134>1 - - - - - - \ufeffé`);
    expect(message.length).toBe('<134>1 - - - - - - '.length + 3 + 2);
  });
});
