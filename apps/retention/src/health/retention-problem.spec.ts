import type { RetentionRun, StoreOutcome } from '@meshtrail/retention';
import { retentionProblem } from './retention-problem';

const outcome = (kind: string, error?: string) => ({ kind, ...(error ? { error } : {}) }) as unknown as StoreOutcome;

function run(status: 'succeeded' | 'failed', outcomes: StoreOutcome[], error?: string): RetentionRun {
  return {
    runId: '5b0e1234-aaaa-bbbb-cccc-000000000000',
    trigger: 'schedule',
    dryRun: false,
    startedAt: new Date('2026-11-01T03:00:00Z'),
    finishedAt: new Date('2026-11-01T03:00:07Z'),
    status,
    outcomes,
    ...(error ? { error } : {}),
  };
}

describe('retentionProblem', () => {
  it('is none before any real run and after a real run that succeeded', () => {
    expect(retentionProblem(undefined)).toBeUndefined();
    expect(retentionProblem(run('succeeded', [outcome('auditEvents')]))).toBeUndefined();
  });

  it('names the run, its trigger and the stores that failed, never the error text', () => {
    const failed = run(
      'failed',
      [
        outcome('auditEvents', 'cannot drop table x because view "jane@acme.example" depends on it'),
        outcome('accessLogs'),
      ],
      'auditEvents: cannot drop table x',
    );
    expect(retentionProblem(failed)).toEqual({
      type: 'retention_run_failed',
      severity: 'critical',
      since: '2026-11-01T03:00:07.000Z',
      description: 'schedule retention run 5b0e1234 failed: stores auditEvents',
    });
  });

  it('says the run itself failed when no store did (the run could not publish, or stopped)', () => {
    expect(retentionProblem(run('failed', [], 'RetentionEnforced not published'))?.description).toBe(
      'schedule retention run 5b0e1234 failed: the run itself',
    );
  });
});
