import type { SqlSession } from '@meshtrail/database';
import type { RetentionPlan } from '../planning/retention-plan';

/** What must happen before audit events are removed, given by the caller (the projections' snapshot). */
export type BeforeTrailPurge = (sql: SqlSession) => Promise<void>;

/** Runs the hook when a real run is about to remove audit events; a failure stops the run before it deletes. */
export async function beforeTrailPurge(
  sql: SqlSession,
  plan: RetentionPlan,
  dryRun: boolean,
  hook: BeforeTrailPurge | undefined,
): Promise<void> {
  if (dryRun || !hook) return;
  const purgesTrail = plan.stores.some(
    (store) =>
      store.kind === 'auditEvents' &&
      !store.skipped &&
      (store.drop.length > 0 || store.dropDetached.length > 0 || store.sweep.length > 0),
  );
  if (purgesTrail) await hook(sql);
}
