import type { AuditEventInput } from '@meshtrail/contracts';
import type { ApiKeyInfo } from './api-key.store';

/** Who did it, as audit events name them. */
export interface ApiKeyActor {
  kind: 'user' | 'apiKey' | 'system';
  id: string;
  name: string;
}

/** The CloudEvents source of API key events from the gateway and from admin-cli. */
export const API_KEY_EVENT_TYPES = {
  created: 'meshtrail.apikey.created',
  revoked: 'meshtrail.apikey.revoked',
} as const;

function scopeOf(key: ApiKeyInfo) {
  return { admin: key.admin, workspaces: key.workspaces, manageKeys: key.manageKeys };
}

function describeScope(key: ApiKeyInfo): string {
  const reads = key.admin
    ? 'reads every workspace'
    : key.workspaces.length > 0
      ? `reads ${key.workspaces.join(', ')}`
      : 'reads nothing';
  return key.manageKeys ? `${reads}, manages keys` : reads;
}

function actorOf(actor: ApiKeyActor) {
  return {
    kind: actor.kind,
    id: actor.id.slice(0, 256),
    displayName: actor.name.replace(/[\r\n]+/g, ' ').slice(0, 256) || actor.id,
  };
}

/**
 * ApiKeyCreated: a global event (admins only) naming the key, its scope and expiry and the
 * creating principal's id; never the secret.
 */
export function apiKeyCreatedEvent(key: ApiKeyInfo, actor: ApiKeyActor): AuditEventInput {
  return {
    type: API_KEY_EVENT_TYPES.created,
    subject: `api-key/${key.id}`,
    data: {
      objectType: 'ApiKey',
      objectId: key.id,
      objectName: key.name,
      action: 'created',
      actor: actorOf(actor),
      change: `created API key ${key.name} (${describeScope(key)}), expiring at ${key.expiresAt}`,
      changes: [
        { field: 'scope', to: scopeOf(key) },
        { field: 'expiresAt', to: key.expiresAt },
        { field: 'createdBy', to: key.createdById },
      ],
    },
  };
}

/** ApiKeyRevoked: a global event naming the key and who revoked it. */
export function apiKeyRevokedEvent(key: ApiKeyInfo, actor: ApiKeyActor): AuditEventInput {
  return {
    type: API_KEY_EVENT_TYPES.revoked,
    subject: `api-key/${key.id}`,
    data: {
      objectType: 'ApiKey',
      objectId: key.id,
      objectName: key.name,
      action: 'revoked',
      actor: actorOf(actor),
      change: `revoked API key ${key.name} (${describeScope(key)})`,
      changes: [
        { field: 'revokedAt', from: null, to: key.revokedAt },
        { field: 'scope', from: scopeOf(key), to: null },
      ],
    },
  };
}
