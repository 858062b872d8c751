import { rebuildProjections, type RebuildReport } from '@meshtrail/audit-store';
import { withAdminDatabase } from './admin-database';
import type { AdminEnv } from './admin.env';

/** Rebuilds workspace_memberships and object_counts from the audit event store. */
export async function rebuildProjectionsCommand(env: AdminEnv): Promise<RebuildReport> {
  return withAdminDatabase(env, (database) => database.withClient((session) => rebuildProjections(session)));
}
