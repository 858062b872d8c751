import type { SqlSession } from '@meshtrail/database';
import { requestPurgeSeal } from '@meshtrail/trail-proof';
import type { RetentionPlan } from '../planning/retention-plan';

/**
 * Before anything is removed, records what is about to go (the store and its cutoff). The
 * database lets retention's role remove a store's rows and partitions only below a recorded
 * cutoff, so no removal goes unrecorded. For the trail the record is the purge request that
 * audit-ingest's sealer signs into the checkpoint chain: the removal stays verifiable, while a
 * DELETE outside retention shows as missing events. The other stores' records stay in
 * retention_purges, which retention can add to and never change.
 */
export async function requestTrailPurgeSeals(sql: SqlSession, plan: RetentionPlan, dryRun: boolean): Promise<void> {
  if (dryRun) return;
  for (const store of plan.stores) {
    if (store.skipped) continue;
    if (store.kind === 'auditEvents') {
      await requestPurgeSeal(sql, { store: store.table, cutoff: store.cutoff });
    } else {
      await sql.query('INSERT INTO retention_purges (store, cutoff) VALUES ($1, $2)', [store.table, store.cutoff]);
    }
  }
}
