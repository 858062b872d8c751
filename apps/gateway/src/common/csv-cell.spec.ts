import fc from 'fast-check';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import { csvCell, csvLine } from './csv-cell';

/** The cells a spreadsheet splitting on `separator`, ignoring quotes, would see in a line. */
const naiveCells = (line: string, separator: string) => line.replace(/\r\n$/, '').split(separator);
const runsFormula = (cell: string) => /^"?[=+\-@\t\r]/.test(cell);

describe('csvCell', () => {
  it('quotes every cell, plain ones and empty ones too', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell(200)).toBe('"200"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvLine(['a', 'b,c'])).toBe('"a","b,c"\r\n');
  });

  it('puts an apostrophe before a formula at the start of the cell', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`)).toBe(`"'${start}1+1"`);
  });

  it('puts an apostrophe before a formula after any separator a spreadsheet may split on', () => {
    expect(csvCell('x;=1+1;')).toBe(`"x;'=1+1;"`);
    expect(csvCell('a,@SUM(A1)|-2\n+3\t=4')).toBe(`"a,'@SUM(A1)|'-2\n'+3\t'=4"`);
    expect(csvCell('a - b = c')).toBe('"a - b = c"');
  });

  it('leaves no cell that starts a formula, whatever separator a spreadsheet splits the line on', () => {
    const text = fc.string({
      unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '|', '"', 'x', ' '),
    });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (cells) => {
        const line = csvLine(cells);
        for (const separator of [',', ';', '\t', '|', '\n', '\r']) {
          for (const cell of naiveCells(line, separator)) expect(runsFormula(cell.replace(/^"+/, '"'))).toBe(false);
        }
      }),
      { seed: propertySeed('csv cells'), numRuns: 500 },
    );
  });
});
