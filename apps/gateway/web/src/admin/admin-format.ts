/** Words and figures of the admin pages, from the API's answers. */

export interface Actor {
  kind: string;
  id: string;
  name: string;
}

/** "Olivia (u-1)", or the id alone when the name is the id. */
export function actorName(actor: Actor | undefined | null): string {
  if (!actor) return '—';
  return actor.name && actor.name !== actor.id ? `${actor.name} (${actor.id})` : actor.id;
}

export const formatCount = (value: number): string => value.toLocaleString('en');

/** 0.125 → "12.5 %"; 0 → "0 %". */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return '0 %';
  return `${Number((rate * 100).toFixed(1)).toString()} %`;
}

/** Bytes for people: "512 B", "1.5 KiB", "2.3 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1)).toString()} ${units[unit]}`;
}

/** The stores retention runs over, as the runs name them (DataKind), with their names for people. */
export const STORE_LABELS: Record<string, string> = {
  auditEvents: 'Audit events',
  authEvents: 'Keycloak events',
  accessLogs: 'Access logs',
  telemetryTransmissions: 'Telemetry transmissions',
  deadLetters: 'Dead letters',
};

export const storeLabel = (kind: string): string => STORE_LABELS[kind] ?? kind;

/** An API key as GET /api/v1/api-keys lists it. */
export interface ApiKeyView {
  id: string;
  name: string;
  admin: boolean;
  workspaces: string[];
  manageKeys: boolean;
  createdAt: string;
  createdBy: string;
  createdById: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
}

/** What the key may do, in words. */
export function keyScope(key: Pick<ApiKeyView, 'admin' | 'workspaces' | 'manageKeys'>): string {
  const reads = key.admin
    ? 'Reads every workspace'
    : key.workspaces.length > 0
      ? `Reads ${key.workspaces.join(', ')}`
      : 'Reads nothing';
  return key.manageKeys ? `${reads}; manages keys` : reads;
}

/** Whether the key works now: revoked and expired keys are refused (401). */
export function keyState(
  key: Pick<ApiKeyView, 'revokedAt' | 'expiresAt'>,
  now: Date,
): 'revoked' | 'expired' | 'active' {
  if (key.revokedAt) return 'revoked';
  if (Date.parse(key.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}
