import { splitRepeatsWithinBatch } from './stored-audit-event';

describe('splitRepeatsWithinBatch', () => {
  it('keeps the first of each id, and tells harmless repeats from conflicting ones', () => {
    const item = (id: string, hash: string) => ({ id, hash });
    const split = splitRepeatsWithinBatch([item('a', 'h1'), item('b', 'h2'), item('a', 'h1'), item('a', 'h9')]);
    expect(split.unique).toEqual([item('a', 'h1'), item('b', 'h2')]);
    expect(split.repeats).toEqual([item('a', 'h1')]);
    expect(split.conflicts).toEqual([{ event: item('a', 'h9'), storedHash: 'h1' }]);
  });
});
