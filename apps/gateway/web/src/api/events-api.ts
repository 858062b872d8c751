/** The gateway's event-log query API, as the page calls it (same origin, bearer token). */

import type { AuditEventView } from '../../../src/events/store/event-row';

/** An event as the API answers it: the gateway's own type, so the page cannot drift from the API. */
export type EventView = AuditEventView;

export interface EventPage {
  events: EventView[];
  nextCursor: string | null;
  total?: number;
}

/** An API error as the gateway reports it: status, stable code, message, and the parameter it names. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

const API = '/api/v1/events';

async function call(path: string, token: string, accept = 'application/json'): Promise<Response> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept } });
  if (response.ok) return response;
  const body = (await response.json().catch(() => ({}))) as { message?: unknown; code?: unknown; parameter?: unknown };
  throw new ApiFailure(
    response.status,
    typeof body.message === 'string' ? body.message : `${response.status} ${response.statusText}`,
    typeof body.code === 'string' ? body.code : undefined,
    typeof body.parameter === 'string' ? body.parameter : undefined,
  );
}

function query(params: Record<string, string>): string {
  const text = new URLSearchParams(params).toString();
  return text ? `?${text}` : '';
}

export async function fetchPage(
  token: string,
  filters: Record<string, string>,
  options: { limit: number; cursor?: string; count?: boolean },
): Promise<EventPage> {
  const params: Record<string, string> = { ...filters, limit: String(options.limit) };
  if (options.cursor) params.cursor = options.cursor;
  if (options.count) params.count = 'true';
  return (await call(`${API}${query(params)}`, token)).json() as Promise<EventPage>;
}

export async function fetchEvent(token: string, id: string): Promise<EventView> {
  return (await call(`${API}/${encodeURIComponent(id)}`, token)).json() as Promise<EventView>;
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
  return (await call(`${API}/${encodeURIComponent(id)}/proof`, token)).json() as Promise<ProofAnswer>;
}

/** Every event matching the filters, as CSV (the API streams it; the page saves it as a file). */
export async function fetchCsvExport(token: string, filters: Record<string, string>): Promise<Blob> {
  return (await call(`${API}/export${query({ ...filters, format: 'csv' })}`, token, 'text/csv')).blob();
}
