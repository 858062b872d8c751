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
