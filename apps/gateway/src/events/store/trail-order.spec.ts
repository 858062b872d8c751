import { Readable } from 'node:stream';
import { compareTrail, mergePages, mergeStreams, tablePositions, type TrailPosition } from './trail-order';

const p = (occurredUs: string, kind: 'audit' | 'auth', seq: string): TrailPosition => ({ occurredUs, kind, seq });

describe('trail order', () => {
  it('puts newer first, then audit before auth at the same instant, then the higher seq', () => {
    const rows = [
      p('10', 'auth', '9'),
      p('20', 'auth', '1'),
      p('10', 'audit', '3'),
      p('10', 'audit', '5'),
      p('20', 'audit', '1'),
    ];
    expect(rows.sort(compareTrail)).toEqual([
      p('20', 'audit', '1'),
      p('20', 'auth', '1'),
      p('10', 'audit', '5'),
      p('10', 'audit', '3'),
      p('10', 'auth', '9'),
    ]);
  });

  it('compares microsecond times beyond the precision of a double', () => {
    expect(compareTrail(p('1767225600123457', 'audit', '1'), p('1767225600123456', 'audit', '2'))).toBeLessThan(0);
  });

  it('turns a trail cursor into a position in each table', () => {
    expect(tablePositions(undefined)).toEqual({});
    // after an audit row at t: auth rows at t are still to come
    expect(tablePositions({ occurredUs: '100', seq: '7', kind: 'audit' })).toEqual({
      audit: { occurredUs: '100', seq: '7', kind: 'audit' },
      auth: { occurredUs: '101', seq: '0' },
    });
    // after an auth row at t: audit rows at t came before it
    expect(tablePositions({ occurredUs: '100', seq: '7', kind: 'auth' })).toEqual({
      audit: { occurredUs: '100', seq: '0' },
      auth: { occurredUs: '100', seq: '7', kind: 'auth' },
    });
  });

  it('merges two pages and keeps the first rows', () => {
    const audit = [p('30', 'audit', '3'), p('10', 'audit', '1')];
    const auth = [p('20', 'auth', '2'), p('10', 'auth', '1')];
    expect(mergePages(audit, auth, (r) => r, 3)).toEqual([
      p('30', 'audit', '3'),
      p('20', 'auth', '2'),
      p('10', 'audit', '1'),
    ]);
    expect(mergePages(audit, [], (r) => r, 1)).toEqual([p('30', 'audit', '3')]);
  });

  it('merges two ordered streams into one, and destroys both when the merged stream is destroyed', async () => {
    const audit = Readable.from([p('50', 'audit', '5'), p('30', 'audit', '3'), p('10', 'audit', '1')]);
    const auth = Readable.from([p('40', 'auth', '4'), p('30', 'auth', '9')]);
    const out: TrailPosition[] = [];
    for await (const row of mergeStreams<TrailPosition>(audit, auth, (r) => r)) out.push(row);
    expect(out.map((r) => r.occurredUs)).toEqual(['50', '40', '30', '30', '10']);
    expect(out.map((r) => r.kind)).toEqual(['audit', 'auth', 'audit', 'auth', 'audit']);

    const endless = new Readable({
      objectMode: true,
      read() {
        this.push(p('1', 'audit', '1'));
      },
    });
    const other = Readable.from([p('2', 'auth', '1')]);
    const merged = mergeStreams<TrailPosition>(endless, other, (r) => r);
    for await (const _row of merged) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(endless.destroyed).toBe(true);
    expect(other.destroyed).toBe(true);
  });
});
