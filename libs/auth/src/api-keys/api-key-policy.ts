import { ONE_LINE } from '@meshtrail/contracts';
import type { Principal } from '../principal';
import type { ApiKeyScope } from './api-key.store';

/** How long keys live: `defaultDays` when a request names no lifetime, never more than `maxDays`. */
export interface ApiKeyLifetime {
  defaultDays: number;
  maxDays: number;
}

export const DEFAULT_API_KEY_LIFETIME: ApiKeyLifetime = { defaultDays: 90, maxDays: 365 };

/** The longest name a key may have, in characters (code points, as PostgreSQL counts them). */
export const API_KEY_NAME_MAX_LENGTH = 200;

/**
 * Why a key's name is refused, or undefined when it is not; the same wherever keys are made (the
 * API's body check calls it too). Characters are counted as the api_keys table's check counts
 * them. The name goes into the ApiKeyCreated event's change line, which the trail takes as one
 * line only.
 */
export function apiKeyNameProblem(name: string): string | undefined {
  const characters = [...name].length;
  if (characters < 1 || characters > API_KEY_NAME_MAX_LENGTH)
    return `must be 1 to ${API_KEY_NAME_MAX_LENGTH} characters`;
  if (!ONE_LINE.test(name)) return 'must be one line (no line breaks)';
  return undefined;
}

/** What a caller asks for. */
export interface ApiKeyRequest {
  admin: boolean;
  workspaces: readonly string[];
  manageKeys: boolean;
  expiresInDays?: number;
}

export type ApiKeyDecision =
  | { ok: true; scope: ApiKeyScope; expiresAt: Date }
  /** 400: the request itself is wrong (`field` names what); 403: it asks for more than the creator has. */
  | { ok: false; status: 400 | 403; field: string; message: string };

const DAY_MS = 86_400_000;

/**
 * Decides a key request: its scope must make sense, its lifetime stay within the maximum, and it
 * may not grant more than its creator holds (a key reads at most what its creator reads, manages
 * keys only if its creator does, and never outlives a creating key).
 */
export function decideApiKey(
  request: ApiKeyRequest,
  creator: Principal,
  lifetime: ApiKeyLifetime,
  now: Date,
): ApiKeyDecision {
  const workspaces = [...new Set(request.workspaces)];
  const refuse = (status: 400 | 403, field: string, message: string): ApiKeyDecision => ({
    ok: false,
    status,
    field,
    message,
  });
  if (request.admin && workspaces.length > 0)
    return refuse(400, 'workspaces', 'must be left out for a key that reads every workspace (admin)');
  if (!request.admin && !request.manageKeys && workspaces.length === 0)
    return refuse(400, 'workspaces', 'must name at least one workspace (or set admin or manageKeys)');
  const days = request.expiresInDays ?? lifetime.defaultDays;
  if (!Number.isInteger(days) || days < 1 || days > lifetime.maxDays)
    return refuse(400, 'expiresInDays', `must be a whole number of days from 1 to ${lifetime.maxDays}`);
  const expiresAt = new Date(now.getTime() + days * DAY_MS);

  if (request.admin && !creator.admin)
    return refuse(403, 'admin', 'a key cannot read more than its creator: the creator does not read every workspace');
  const beyond = creator.admin ? [] : workspaces.filter((workspace) => !creator.workspaces.includes(workspace));
  if (beyond.length > 0)
    return refuse(403, 'workspaces', `a key cannot read more than its creator, who does not read ${beyond.join(', ')}`);
  if (request.manageKeys && !creator.manageKeys)
    return refuse(403, 'manageKeys', 'a key cannot manage keys unless its creator may');
  if (creator.expiresAt && expiresAt > creator.expiresAt)
    return refuse(
      403,
      'expiresInDays',
      `a key cannot outlive the key that creates it (which expires at ${creator.expiresAt.toISOString()})`,
    );
  return { ok: true, scope: { admin: request.admin, workspaces, manageKeys: request.manageKeys }, expiresAt };
}
