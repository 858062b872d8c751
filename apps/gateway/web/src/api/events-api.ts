/** The gateway's event-log query API, as the page calls it (same origin, bearer token). */

import type { AuditEventView } from '../../../src/events/store/event-row';
import { ApiFailure, getBlob, getJson } from './http';

export { ApiFailure };

/** An event as the API answers it: the gateway's own type, so the page cannot drift from the API. */
export type EventView = AuditEventView;

export interface EventPage {
  events: EventView[];
  nextCursor: string | null;
  total?: number;
}

const API = '/api/v1/events';

/**
 * Where a view's events come from: every workspace the caller may read (`/api/v1/events`), or
 * one workspace's trail (`/api/v1/workspaces/{id}/events`), whose owners and managers it serves.
 */
export function eventsPath(workspace?: string): string {
  return workspace === undefined ? API : `/api/v1/workspaces/${encodeURIComponent(workspace)}/events`;
}

export async function fetchPage(
  token: string,
  filters: Record<string, string>,
  options: { limit: number; cursor?: string; count?: boolean; workspace?: string },
): Promise<EventPage> {
  return getJson<EventPage>(eventsPath(options.workspace), token, {
    ...filters,
    limit: options.limit,
    cursor: options.cursor,
    count: options.count ? 'true' : undefined,
  });
}

export async function fetchEvent(token: string, id: string): Promise<EventView> {
  return getJson<EventView>(`${API}/${encodeURIComponent(id)}`, token);
}

/**
 * What the page reads of `GET /api/v1/events/{id}/proof` (the gateway's answer has the proof
 * itself too: leaf, audit path, signature). `checks` is what the gateway found checking it.
 */
export type ProofAnswer =
  | {
      sealed: true;
      index: number;
      treeSize: number;
      checkpoint: { number: number; sealedAt: string; keyId: string };
      checks: {
        eventMatchesLeaf: boolean;
        leafInRoot: boolean;
        signature: 'valid' | 'invalid' | 'unknown-key' | 'not-checked';
        verified: boolean;
      };
    }
  | { sealed: false; code: string; message: string };

export async function fetchProof(token: string, id: string): Promise<ProofAnswer> {
  return getJson<ProofAnswer>(`${API}/${encodeURIComponent(id)}/proof`, token);
}

/** Every event matching the filters, as CSV (the API streams it; the page saves it as a file). */
export async function fetchCsvExport(
  token: string,
  filters: Record<string, string>,
  workspace?: string,
): Promise<Blob> {
  return getBlob(`${eventsPath(workspace)}/export`, token, { ...filters, format: 'csv' }, 'text/csv');
}

/** `GET …/events/stats`: matching events per UTC day and action (every day of the range, zeros included). */
export interface EventStats {
  from: string;
  to: string;
  bucket: 'day';
  actions: string[];
  days: Array<{ day: string; counts: Record<string, number>; total: number }>;
}

export async function fetchStats(
  token: string,
  filters: Record<string, string>,
  workspace?: string,
): Promise<EventStats> {
  return getJson<EventStats>(`${eventsPath(workspace)}/stats`, token, filters);
}

/** A workspace as `GET /api/v1/workspaces` lists it: those the caller may read, by name. */
export interface WorkspaceEntry {
  id: string;
  name: string | null;
  deleted: boolean;
}

/** The workspaces whose name or id starts with `q` (any letter case), for suggestions. */
export async function fetchWorkspaces(token: string, q = '', limit = 20): Promise<WorkspaceEntry[]> {
  return (await getJson<{ workspaces: WorkspaceEntry[] }>('/api/v1/workspaces', token, { q, limit })).workspaces;
}
