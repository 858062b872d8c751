import type { SqlQueries } from '@meshtrail/database';
import { DEFAULT_API_KEY_LIFETIME } from './api-key-policy';
import { issueApiKey, parseApiKey, secretMatches } from './api-key-secret';

/**
 * What an API key may do: read every workspace (admin, read-only), or the events of the named
 * workspaces; and, separately, create and revoke keys (manageKeys).
 */
export interface ApiKeyScope {
  admin: boolean;
  workspaces: string[];
  manageKeys: boolean;
}

/** Who made a key: the principal's id (audit events name it) and name (for people). */
export interface ApiKeyCreator {
  id: string;
  name: string;
}

/** An API key as listed to admins: never the secret, never its hash. */
export interface ApiKeyInfo extends ApiKeyScope {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  createdById: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  admin: boolean;
  workspaces: string[];
  manage_keys: boolean;
  created_at: Date;
  created_by: string;
  created_by_id: string;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
}

const COLUMNS =
  'id, name, admin, workspaces, manage_keys, created_at, created_by, created_by_id, expires_at, revoked_at, revoked_by, last_used_at';

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    admin: row.admin,
    workspaces: row.workspaces,
    manageKeys: row.manage_keys,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    createdById: row.created_by_id,
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

/**
 * API keys in the `api_keys` table: only a hash of each secret is kept; revocation and expiry
 * count at once (an expired key authenticates no more).
 */
export class ApiKeyStore {
  constructor(private readonly db: SqlQueries) {}

  /**
   * Creates a key (by default reading only, for DEFAULT_API_KEY_LIFETIME's default); the returned
   * `key` is the only time the secret is ever seen. What a caller may ask for is decideApiKey's.
   */
  async create(
    name: string,
    scope: Omit<ApiKeyScope, 'manageKeys'> & { manageKeys?: boolean },
    createdBy: ApiKeyCreator | string,
    expiresAt = new Date(Date.now() + DEFAULT_API_KEY_LIFETIME.defaultDays * 86_400_000),
  ): Promise<ApiKeyInfo & { key: string }> {
    const creator = typeof createdBy === 'string' ? { id: createdBy, name: createdBy } : createdBy;
    const issued = issueApiKey();
    const [row] = await this.db.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, name, secret_hash, admin, workspaces, manage_keys, expires_at, created_by, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        issued.id,
        name,
        issued.secretHash,
        scope.admin,
        scope.admin ? [] : scope.workspaces,
        scope.manageKeys ?? false,
        expiresAt,
        creator.name,
        creator.id,
      ],
    );
    return { ...toInfo(row), key: issued.key };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const rows = await this.db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`);
    return rows.map(toInfo);
  }

  /** Revokes a key (idempotent); undefined when no key has that id. */
  async revoke(id: string, revokedBy: string): Promise<ApiKeyInfo | undefined> {
    const [row] = await this.db.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $2)
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, revokedBy],
    );
    return row ? toInfo(row) : undefined;
  }

  /** The active key a presented credential proves, or undefined (unknown, wrong secret, revoked, expired). */
  async authenticate(presented: string): Promise<ApiKeyInfo | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    const [row] = await this.db.query<ApiKeyRow & { secret_hash: string }>(
      `SELECT ${COLUMNS}, secret_hash FROM api_keys WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()`,
      [parsed.id],
    );
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
    return toInfo(row);
  }

  /** Records use at most once a minute per key, so a busy SIEM does not turn reads into writes. */
  async touch(id: string): Promise<void> {
    await this.db.query(
      `UPDATE api_keys SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}
