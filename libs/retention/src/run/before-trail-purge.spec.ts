import type { SqlSession } from '@meshtrail/database';
import type { RetentionPlan, StorePlan } from '../planning/retention-plan';
import { beforeTrailPurge } from './before-trail-purge';

const sql = {} as SqlSession;
const store = (overrides: Partial<StorePlan>): StorePlan =>
  ({ kind: 'auditEvents', table: 'audit_events', drop: [], dropDetached: [], sweep: [], ...overrides }) as StorePlan;
const plan = (...stores: StorePlan[]): RetentionPlan => ({ now: new Date(), stores });

describe('beforeTrailPurge', () => {
  async function called(given: RetentionPlan, dryRun = false): Promise<boolean> {
    let ran = false;
    await beforeTrailPurge(sql, given, dryRun, async () => void (ran = true));
    return ran;
  }

  it('runs before a real run drops, sweeps or finishes dropping audit event partitions', async () => {
    expect(await called(plan(store({ drop: ['audit_events_202301'] })))).toBe(true);
    expect(await called(plan(store({ dropDetached: ['audit_events_202301_detached'] })))).toBe(true);
    expect(await called(plan(store({ sweep: [{ relation: 'audit_events_202301', reason: 'boundary' }] })))).toBe(true);
  });

  it('does not run for a dry run, an absent store, nothing to delete, or other stores only', async () => {
    const dropping = plan(store({ drop: ['audit_events_202301'] }));
    expect(await called(dropping, true)).toBe(false);
    expect(await called(plan(store({ skipped: 'absent', drop: ['x'] })))).toBe(false);
    expect(await called(plan(store({})))).toBe(false);
    expect(await called(plan(store({ kind: 'accessLogs', table: 'access_logs', drop: ['access_logs_202301'] })))).toBe(
      false,
    );
  });
});
