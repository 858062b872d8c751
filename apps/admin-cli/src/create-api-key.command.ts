import { parseArgs } from 'node:util';
import { ApiKeyStore, type ApiKeyInfo } from '@meshtrail/auth';
import { withAdminDatabase } from './admin-database';
import type { AdminEnv } from './admin.env';

export const CREATE_API_KEY_USAGE = `usage: admin-cli create-api-key --name <name> (--admin | --workspace <id> [--workspace <id>...])`;

/**
 * Creates an API key straight in the database: how the first admin key comes to exist (later
 * ones can be made through POST /api/v1/api-keys). The key is printed once, on stdout.
 */
export async function createApiKeyCommand(env: AdminEnv, args: string[]): Promise<ApiKeyInfo & { key: string }> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
      workspace: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  const workspaces = values.workspace ?? [];
  if (!values.name || values.admin === workspaces.length > 0) throw new Error(CREATE_API_KEY_USAGE);
  const name = values.name;
  return withAdminDatabase(env, (database) =>
    new ApiKeyStore(database).create(name, { admin: values.admin ?? false, workspaces }, 'admin-cli'),
  );
}
