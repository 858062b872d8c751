import { filterFromParams } from '../query/event-filter';
import type { ReadScope } from './event-sql';
import { spanSearchFor, type WindowSample } from './span-search';

const admin: ReadScope = { all: true };
const month = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-02-01T00:00:00Z') };

/** A window sample of a hundred lines, ten of them about landing zones. */
const sample: WindowSample[] = Array.from({ length: 100 }, (_, i) => ({
  line: i % 10 === 0 ? `created landing zone lz-${i} in ws-1` : `changed quota of project p-${i} to ${i}`,
  occurred_ms: Date.UTC(2026, 0, 31) - i * 60_000,
}));

const scansLines = (text: string) => /strpos\(lower\(change\), \$\d+\) > 0/.test(text) && text.includes(') hits USING');
const usesTrigrams = (text: string) => text.includes('lower(change) LIKE') && !scansLines(text);

describe('spanSearchFor', () => {
  it('asks the trigram index for a part few sampled lines hold, with the whole substring checked on its rows', () => {
    const search = spanSearchFor(filterFromParams({ change: 'zone lz-4711 in' }), admin, undefined, sample);
    const query = search(month, 51);
    expect(usesTrigrams(query.text)).toBe(true);
    // a part of the substring, not all of it
    expect(query.values[0]).toMatch(/^%.*4711.*%$/);
    expect(query.values[0]).not.toBe('%zone lz-4711 in%');
    expect(query.values[1]).toBe('zone lz-4711 in');
  });

  it('reads the change lines from the workspace index for a text without trigrams', () => {
    const query = spanSearchFor(filterFromParams({ change: 'zz' }), admin, undefined, sample)(month, 51);
    expect(scansLines(query.text)).toBe(true);
    expect(query.values).toEqual(['zz', month.start, month.end, 51]);
  });

  it('reads the change lines when every trigram of the text is common in the sample', () => {
    // 'lz-1' asks for 'lz ' and '  1': the ten landing-zone lines hold both (ws-1)
    expect(
      scansLines(spanSearchFor(filterFromParams({ change: 'lz-1' }), admin, undefined, sample)(month, 51).text),
    ).toBe(true);
    // one of several substrings that no trigram narrows decides for all of them
    const either = spanSearchFor(
      { conditions: [{ field: 'change', values: ['unicorn', 'zz'], negated: false }] },
      admin,
      undefined,
      sample,
    );
    expect(scansLines(either(month, 51).text)).toBe(true);
  });

  it('keeps the trigram index where the filter tests a column the workspace index does not hold', () => {
    const query = spanSearchFor(
      filterFromParams({ change: 'zz', objectType: 'Project' }),
      admin,
      undefined,
      sample,
    )(month, 51);
    expect(usesTrigrams(query.text)).toBe(true);
  });

  it('builds each span with the cursor and the limit it is given', () => {
    const after = { occurredUs: '1767000000000000', seq: '42' };
    const search = spanSearchFor(filterFromParams({ change: 'zz' }), admin, after, sample);
    const open = search({ end: month.start }, 7);
    expect(open.text).not.toContain('occurred_at >=');
    expect(open.values).toEqual(['zz', month.start, after.occurredUs, after.seq, 7]);
  });
});
