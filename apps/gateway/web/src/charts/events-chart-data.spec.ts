import { eventsChartData } from './events-chart-data';

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
