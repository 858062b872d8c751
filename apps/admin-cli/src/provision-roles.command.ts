import { provisionServiceRoles, serviceLogins, type RolesReport } from '@meshtrail/database';
import type { AdminEnv } from './admin.env';

/**
 * Each service's login role, with exactly its rights in this database (as the owner DATABASE_URL
 * names). The roles and passwords come from the services' URL variables.
 */
export function provisionRolesCommand(env: AdminEnv): Promise<RolesReport> {
  return provisionServiceRoles(env.DATABASE_URL, serviceLogins(env as unknown as Record<string, string | undefined>));
}
