import { parseReplayArguments } from './replay-dead-letters.command';
import { UsageError } from './usage-error';

describe('parseReplayArguments', () => {
  it('turns the options into filters, prefixing the topic as stored', () => {
    expect(
      parseReplayArguments(
        [
          '--by',
          'jane',
          '--topic',
          'audit.events.v1',
          '--reason',
          'EVENT.NOT_JSON',
          '--since',
          '2026-11-01T00:00:00Z',
          '--until',
          '2026-11-02T00:00:00+01:00',
          '--id',
          '4',
          '--id',
          '17',
        ],
        'prod-',
      ),
    ).toEqual({
      by: 'jane',
      dryRun: false,
      limit: 1000,
      filters: {
        topic: 'prod-audit.events.v1',
        reason: 'EVENT.NOT_JSON',
        since: new Date('2026-11-01T00:00:00Z'),
        until: new Date('2026-11-01T23:00:00Z'),
        ids: ['4', '17'],
      },
    });
    expect(parseReplayArguments(['--dry-run', '--topic', 'prod-access-logs.v1'], 'prod-')).toMatchObject({
      dryRun: true,
      filters: { topic: 'prod-access-logs.v1' },
    });
  });

  it.each([
    [['--topic', 'x'], /missing --by/],
    [['--by', 'j', '--since', 'yesterday'], /--since must be an RFC 3339 time/],
    [['--by', 'j', '--since', '2026-11-02T00:00:00'], /--since must be an RFC 3339 time with a zone/],
    [['--by', 'j', '--since', '2026-11-02T00:00:00Z', '--until', '2026-11-01T00:00:00Z'], /--until must be after/],
    [['--by', 'j', '--id', '0'], /--id "0" is not a dead letter id/],
    [['--by', 'j', '--id', "1' OR 1=1"], /is not a dead letter id/],
    [['--by', 'j', '--limit', '0'], /--limit must be a whole number/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseReplayArguments(argv, '')).toThrow(UsageError);
    expect(() => parseReplayArguments(argv, '')).toThrow(message);
  });
});
