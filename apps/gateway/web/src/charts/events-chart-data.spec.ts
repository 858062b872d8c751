import { eventsChartData, eventsChartNote } from './events-chart-data';

describe('the events-per-day chart of a stats answer', () => {
  it('has a bar per day and a series per action, in the order of the answer', () => {
    const data = eventsChartData({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-04T00:00:00.000Z',
      bucket: 'day',
      actions: ['created', 'runs_requested'],
      days: [
        { day: '2026-03-01', counts: { created: 2, runs_requested: 0 }, total: 2 },
        { day: '2026-03-02', counts: { created: 0, runs_requested: 5 }, total: 5 },
        { day: '2026-03-03', counts: { created: 1 }, total: 1 },
      ],
    });
    expect(data.title).toBe('Events per day by type, 2026-03-01 to 2026-03-03 (UTC)');
    expect(data.categories).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(data.series).toEqual([
      { name: 'created', values: [2, 0, 1] },
      { name: 'runs requested', values: [0, 5, 0] },
    ]);
  });

  it('names a single day, and no day at all', () => {
    const one = { day: '2026-03-01', counts: {}, total: 0 };
    const stats = { from: '', to: '', bucket: 'day' as const, actions: [], days: [one] };
    expect(eventsChartData(stats).title).toBe('Events per day by type, 2026-03-01 (UTC)');
    expect(eventsChartData({ ...stats, days: [] }).title).toBe('Events per day by type, no days (UTC)');
  });
});

describe('what the page says with the chart', () => {
  const day = (date: string, total: number) => ({ day: date, counts: { created: total }, total });
  const stats = (totals: number[]) => ({
    from: '',
    to: '',
    bucket: 'day' as const,
    actions: ['created'],
    days: totals.map((total, i) => day(`2026-03-0${i + 1}`, total)),
  });

  it('says that nothing matched in the range instead of an empty chart', () => {
    expect(eventsChartNote(stats([0, 0]), true)).toEqual({
      empty: true,
      note: 'No events match these filters from 2026-03-01 to 2026-03-02 (UTC).',
    });
    expect(eventsChartNote(stats([0, 0]), false)).toEqual({
      empty: true,
      note: 'No events match these filters from 2026-03-01 to 2026-03-02 (UTC); a range under Time charts other days.',
    });
  });

  it("names the API's default range when no Time filter set it", () => {
    expect(eventsChartNote(stats([0, 3, 1]), true)).toEqual({ empty: false });
    expect(eventsChartNote(stats([0, 3, 1]), false)).toEqual({
      empty: false,
      note: 'The last 3 days; a range under Time charts other days.',
    });
  });
});
