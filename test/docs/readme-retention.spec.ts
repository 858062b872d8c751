import { DATA_KINDS, RETENTION_BOUNDS, RETENTION_TABLES } from '@meshtrail/retention';
import { codeSpans, readmeTable } from './readme-table';

describe('the README retention tables', () => {
  it('give each kind of stored data its store, variable, default and bounds as the code has them', () => {
    const rows = readmeTable('## Retention').map(([, store, variable, defaultMonths, min, max]) => ({
      store: codeSpans(store)[0],
      variable: codeSpans(variable)[0],
      bounds: [Number(defaultMonths), Number(min), Number(max)],
    }));
    expect(rows).toEqual(
      DATA_KINDS.map((kind) => {
        const { variable, defaultMonths, minMonths, maxMonths } = RETENTION_BOUNDS[kind];
        const store = RETENTION_TABLES.find((table) => table.kind === kind)!.table;
        return { store, variable, bounds: [defaultMonths, minMonths, maxMonths] };
      }),
    );
  });

  it('say where each kind lives and for how long, as the code has it', () => {
    const rows = readmeTable('### Where each kind of data lives, and for how long');
    for (const kind of DATA_KINDS) {
      const { variable, defaultMonths, minMonths, maxMonths } = RETENTION_BOUNDS[kind];
      const row = rows.find(([, , , , setBy]) => codeSpans(setBy).includes(variable));
      expect({ variable, row: row?.slice(1, 4) }).toEqual({
        variable,
        row: [
          expect.stringContaining(`\`${RETENTION_TABLES.find((table) => table.kind === kind)!.table}\``),
          `${defaultMonths} months`,
          `${minMonths}–${maxMonths} months`,
        ],
      });
    }
  });
});
