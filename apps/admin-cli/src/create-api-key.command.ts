import { parseArgs } from 'node:util';
import { ApiKeyStore, type ApiKeyInfo } from '@meshtrail/auth';
import { createDataSource, poolOf } from '@meshtrail/database';

export const CREATE_API_KEY_USAGE = `usage: admin-cli create-api-key --name <name> (--admin | --workspace <id> [--workspace <id>...])`;

/**
 * Creates an API key straight in the database: how the first admin key comes to exist (later
 * ones can be made through POST /api/v1/api-keys). The key is printed once, on stdout.
 */
export async function createApiKeyCommand(databaseUrl: string, args: string[]): Promise<ApiKeyInfo & { key: string }> {
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
  const dataSource = createDataSource({ url: databaseUrl, poolMax: 1, applicationName: 'meshtrail-admin-cli' });
  await dataSource.initialize();
  try {
    const store = new ApiKeyStore({ query: async (sql, params) => (await poolOf(dataSource).query(sql, params)).rows });
    return await store.create(values.name, { admin: values.admin ?? false, workspaces }, 'admin-cli');
  } finally {
    await dataSource.destroy();
  }
}
