import {
  hourCategories,
  requestsPerHourChart,
  rowsDeletedChart,
  runOutcome,
  runTime,
  runTotal,
  type RetentionRunView,
} from './admin-charts';

describe('chart data from the API answers', () => {
  it('stacks requests per hour into ok, 4xx and 5xx, with the error rate as a table column', () => {
    const chart = requestsPerHourChart({
      from: '2026-03-01T08:00:00.000Z',
      to: '2026-03-01T10:00:00.000Z',
      bucket: 'hour',
      hours: [
        { hour: '2026-03-01T08:00:00.000Z', requests: 10, clientErrors: 2, serverErrors: 1, errorRate: 0.3 },
        { hour: '2026-03-01T09:00:00.000Z', requests: 0, clientErrors: 0, serverErrors: 0, errorRate: 0 },
      ],
    });
    expect(chart.categories).toEqual(['03-01 08:00', '09:00']);
    expect(chart.series).toEqual([
      { name: 'OK', values: [7, 0] },
      { name: 'Client errors (4xx)', values: [2, 0] },
      { name: 'Server errors (5xx)', values: [1, 0] },
    ]);
    expect(chart.extraColumns).toEqual([{ name: 'Error rate', values: ['30 %', '0 %'] }]);
    // the stack adds up to the requests of each hour
    expect(chart.series.reduce((sum, s) => sum + s.values[0], 0)).toBe(10);
  });

  const run = (startedAt: string, dryRun: boolean, outcomes: RetentionRunView['outcomes'], rowsDeleted?: number) =>
    ({
      runId: startedAt,
      trigger: 'demand',
      dryRun,
      startedAt,
      finishedAt: startedAt,
      status: 'succeeded',
      outcomes,
      rowsDeleted,
    }) satisfies RetentionRunView;

  it('stacks rows deleted per run by store, oldest run left, dry runs marked', () => {
    const newestFirst = [
      run('2026-03-02T03:00:07.000Z', true, [{ kind: 'accessLogs', rowsDeleted: 4 }]),
      run('2026-03-01T03:00:00.000Z', false, [
        { kind: 'auditEvents', rowsDeleted: 2 },
        { kind: 'accessLogs', rowsDeleted: 5 },
      ]),
    ];
    const chart = rowsDeletedChart(newestFirst);
    expect(chart.categories).toEqual(['03-01 03:00:00', '03-02 03:00:07 (dry)']);
    expect(chart.series).toEqual([
      { name: 'Audit events', values: [2, 0] },
      { name: 'Access logs', values: [5, 4] },
    ]);
    expect(chart.extraColumns).toEqual([{ name: 'Status', values: ['succeeded', 'succeeded'] }]);
    expect(rowsDeletedChart([]).series).toEqual([]);
  });

  it('says in one sentence what a recorded run did or would do, per store', () => {
    expect(runOutcome(run('2026-03-02T03:00:07.000Z', true, [{ kind: 'accessLogs', rowsDeleted: 1234 }], 1234))).toBe(
      'The dry run succeeded: it would delete 1,234 rows (Access logs 1,234).',
    );
    expect(runOutcome({ ...run('2026-03-02T03:00:07.000Z', false, []), status: 'failed', error: 'lock timeout' })).toBe(
      'The retention run failed (lock timeout): it deleted 0 rows (—).',
    );
  });

  it("takes a run's total from the API when it gives one, else sums its stores", () => {
    expect(runTotal(run('2026-03-01T00:00:00Z', false, [{ kind: 'accessLogs', rowsDeleted: 3 }], 9))).toBe(9);
    expect(
      runTotal(
        run('2026-03-01T00:00:00Z', false, [
          { kind: 'accessLogs', rowsDeleted: 3 },
          { kind: 'authEvents', rowsDeleted: 4 },
        ]),
      ),
    ).toBe(7);
  });

  it('labels hours and run times in UTC, the day on the first hour and at midnight', () => {
    expect(
      hourCategories([
        '2026-03-01T22:00:00.000Z',
        '2026-03-01T23:00:00.000Z',
        '2026-03-02T00:00:00.000Z',
        '2026-03-02T01:00:00.000Z',
      ]),
    ).toEqual(['03-01 22:00', '23:00', '03-02 00:00', '01:00']);
    expect(runTime('2026-03-01T08:00:05.123Z')).toBe('03-01 08:00:05');
    expect(hourCategories(['odd'])).toEqual(['odd']);
  });
});
