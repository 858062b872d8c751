import { parseArgs } from 'node:util';
import { AuditEventPublisher } from '@meshtrail/contracts';
import {
  ApiKeyStore,
  DEFAULT_API_KEY_LIFETIME,
  apiKeyCreatedEvent,
  apiKeyNameProblem,
  decideApiKey,
  type ApiKeyInfo,
  type Principal,
} from '@meshtrail/auth';
import { withAdminDatabase } from './admin-database';
import type { AdminEnv } from './admin.env';
import { withProducer } from './command-producer';
import { UsageError } from './usage-error';

export const CREATE_API_KEY_USAGE =
  'usage: admin-cli create-api-key --name <name> (--admin | [--read-all | --workspace <id>...] [--manage-keys]) [--expires-in-days <1..365>]';

/** admin-cli acts as the operator at the console: every right, recorded as the system actor "admin-cli". */
const ADMIN_CLI: Principal = {
  kind: 'user',
  id: 'admin-cli',
  name: 'admin-cli',
  admin: true,
  workspaces: [],
  manageKeys: true,
};

/**
 * Creates an API key straight in the database: how the first key-managing key comes to exist
 * (later ones can be made through POST /api/v1/api-keys). `--admin` is `--read-all --manage-keys`.
 * The key expires (default 90 days, at most 365); its creation is an ApiKeyCreated event in the
 * global trail, published before the key is shown; a key the trail did not take is revoked. The
 * key is printed once, on stdout.
 */
export async function createApiKeyCommand(env: AdminEnv, args: string[]): Promise<ApiKeyInfo & { key: string }> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
      'read-all': { type: 'boolean', default: false },
      'manage-keys': { type: 'boolean', default: false },
      workspace: { type: 'string', multiple: true, default: [] },
      'expires-in-days': { type: 'string' },
    },
    strict: true,
  });
  const days = values['expires-in-days'];
  if (!values.name || (days !== undefined && !/^\d{1,6}$/.test(days))) throw new UsageError(CREATE_API_KEY_USAGE);
  // refused before the key exists: a name the trail refuses would fail at publishing, after it
  const nameProblem = apiKeyNameProblem(values.name);
  if (nameProblem) throw new UsageError(`--name ${nameProblem}\n${CREATE_API_KEY_USAGE}`);
  const decision = decideApiKey(
    {
      admin: values.admin || values['read-all'] === true,
      manageKeys: values.admin || values['manage-keys'] === true,
      workspaces: values.workspace ?? [],
      expiresInDays: days === undefined ? undefined : Number(days),
    },
    ADMIN_CLI,
    DEFAULT_API_KEY_LIFETIME,
    new Date(),
  );
  if (!decision.ok) throw new UsageError(`${decision.field}: ${decision.message}\n${CREATE_API_KEY_USAGE}`);
  const name = values.name;
  return withAdminDatabase(env, async (database) => {
    const store = new ApiKeyStore(database);
    const created = await store.create(name, decision.scope, ADMIN_CLI, decision.expiresAt);
    try {
      await withProducer(env, (producer) =>
        new AuditEventPublisher({
          sink: producer,
          source: 'meshtrail/admin-cli',
          topicPrefix: env.KAFKA_TOPIC_PREFIX,
        }).publish({ ...apiKeyCreatedEvent(created, { ...ADMIN_CLI, kind: 'system' }) }),
      );
    } catch (error) {
      await store.revoke(created.id, ADMIN_CLI.name);
      throw new Error(`the key was not recorded in the audit trail, and is revoked: ${(error as Error).message}`);
    }
    return created;
  });
}
