import type { SqlSession } from '@meshtrail/database';
import { requestPurgeSeal } from '@meshtrail/trail-proof';
import type { RetentionPlan } from '../planning/retention-plan';

/**
 * Before audit events are removed, records what is about to go (the store and its cutoff), for
 * audit-ingest's sealer to sign into the checkpoint chain: the removal stays verifiable, while a
 * DELETE outside retention shows as missing events.
 */
export async function requestTrailPurgeSeals(sql: SqlSession, plan: RetentionPlan, dryRun: boolean): Promise<void> {
  if (dryRun) return;
  for (const store of plan.stores) {
    if (store.kind === 'auditEvents' && !store.skipped) {
      await requestPurgeSeal(sql, { store: store.table, cutoff: store.cutoff });
    }
  }
}
