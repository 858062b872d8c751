import { Client } from 'pg';
import { rebuildProjections, type RebuildReport } from '@meshtrail/audit-store';
import type { AdminEnv } from './admin.env';

/** Rebuilds workspace_memberships and object_counts from the audit event store. */
export async function rebuildProjectionsCommand(env: AdminEnv): Promise<RebuildReport> {
  const client = new Client({ connectionString: env.DATABASE_URL, application_name: 'meshtrail-admin' });
  await client.connect();
  try {
    return await rebuildProjections(client);
  } finally {
    await client.end();
  }
}
