import { ApiKeyStore } from '@meshtrail/auth';

/** The gateway's API-key store over a test stack's database, to mint keys for the calls a test makes. */
export function apiKeyStoreOf(stack: { query(sql: string, params?: unknown[]): Promise<unknown> }): ApiKeyStore {
  return new ApiKeyStore({ query: (sql, params) => stack.query(sql, params) as never });
}
