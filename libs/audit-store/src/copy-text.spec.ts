import fc from 'fast-check';
import { copiedText, readCopyLine } from '../../../test/support/copy-text';
import { propertySeed } from '../../../test/support/storable-arbitraries';
import { copyLine } from './copy-text';

describe('copyLine', () => {
  it('writes one COPY text row: tabs between fields, \\N for null, special characters escaped', () => {
    const line = copyLine([
      'plain',
      'tab\there',
      'line\nbreak\rreturn',
      'back\\slash',
      null,
      undefined,
      42,
      new Date('2026-11-23T10:15:00.000Z'),
      { change: 'a\tb' },
    ]);
    expect(line.split('\t')).toEqual([
      'plain',
      'tab\\there',
      'line\\nbreak\\rreturn',
      'back\\\\slash',
      '\\N',
      '\\N',
      '42',
      '2026-11-23T10:15:00.000Z',
      '{"change":"a\\\\tb"}',
    ]);
  });
});

describe('copyLine of no fields', () => {
  it('is the empty line', () => {
    expect(copyLine([])).toBe('');
  });
});

describe('copyLine: properties', () => {
  const seed = propertySeed('copyLine');

  it('reads back as the fields it was given (any text, null, numbers, times, JSON values)', () => {
    const field = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: fc.constantFrom('\\', '\t', '\n', '\r', 'N', 'a') }),
      fc.constant(null),
      fc.integer(),
      fc.date({ noInvalidDate: true }),
      fc.jsonValue().filter((value) => typeof value === 'object' && value !== null),
    );
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), (values) => {
        expect(readCopyLine(copyLine(values))).toEqual(values.map(copiedText));
      }),
      { seed, verbose: true, numRuns: 1_000 },
    );
  });
});
