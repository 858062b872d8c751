import { MAX_Q_LENGTH, parseQuery, QSyntaxError } from './q-parser';

function errorOf(q: string): QSyntaxError {
  try {
    parseQuery(q);
  } catch (error) {
    if (error instanceof QSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected "${q}" to be refused`);
}

describe('parseQuery', () => {
  it('parses the example of the issue', () => {
    const q = 'action:deleted objectType:Project workspace:ws-1 actor:jane created:>=2026-01-01 "landing zone"';
    expect(parseQuery(q).map(({ field, value, negated }) => [field, value, negated])).toEqual([
      ['action', 'deleted', false],
      ['objectType', 'Project', false],
      ['workspace', 'ws-1', false],
      ['actor', 'jane', false],
      ['created', '>=2026-01-01', false],
      ['text', 'landing zone', false],
    ]);
  });

  it('records where each term and value starts', () => {
    const [first, second] = parseQuery('  action:created -actor:"Jane Doe"');
    expect(first).toMatchObject({ position: 2, valuePosition: 9 });
    expect(second).toMatchObject({ field: 'actor', value: 'Jane Doe', negated: true, position: 17, valuePosition: 24 });
  });

  it('accepts qualifier names in any case and common synonyms', () => {
    expect(parseQuery('OBJECTTYPE:Project type:Tenant user:bob time:2026-01-01').map((t) => t.field)).toEqual([
      'objectType',
      'objectType',
      'actor',
      'created',
    ]);
  });

  it('reads bare words and negated words as change-line text', () => {
    expect(parseQuery('quota -test')).toEqual([
      { field: 'text', value: 'quota', negated: false, position: 0, valuePosition: 0 },
      { field: 'text', value: 'test', negated: true, position: 6, valuePosition: 7 },
    ]);
  });

  it('unescapes quotes and backslashes inside quoted values', () => {
    expect(parseQuery('change:"say \\"hi\\" \\\\o/"')[0].value).toBe('say "hi" \\o/');
  });

  it('keeps values that look like SQL as plain values', () => {
    expect(parseQuery(`objectName:"x' OR 1=1; DROP TABLE audit_events; --"`)[0].value).toBe(
      "x' OR 1=1; DROP TABLE audit_events; --",
    );
  });

  it('gives an empty list for an empty or blank query', () => {
    expect(parseQuery('')).toEqual([]);
    expect(parseQuery('   ')).toEqual([]);
  });

  it.each([
    ['foo:bar', 'unknown qualifier "foo"', 0],
    ['action:created colour:red', 'unknown qualifier "colour"', 15],
    ['action: created', 'action: needs a value', 7],
    ['action:', 'action: needs a value', 7],
    ['action:""', 'action: needs a value', 7],
    ['"landing zone', 'unterminated quote', 0],
    ['change:"abc', 'unterminated quote', 7],
    ['- action:created', '"-" must be followed by a term', 0],
    ['"a"b', 'expected a space between terms', 3],
    ['ab"c"', 'a quote may only open a value', 2],
    ['"a\\nb"', 'only \\" and \\\\ may be escaped', 2],
  ])('refuses %j: %s at %d', (q, message, position) => {
    const error = errorOf(q);
    expect(error.message).toContain(message);
    expect(error.position).toBe(position);
  });

  it('bounds the size of a query', () => {
    expect(errorOf('a'.repeat(MAX_Q_LENGTH + 1)).message).toContain('longer than');
    expect(errorOf(Array.from({ length: 51 }, (_, i) => `t${i}`).join(' ')).message).toContain('more than 50 terms');
  });
});
