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

export async function fetchPage(
  token: string,
  filters: Record<string, string>,
  options: { limit: number; cursor?: string; count?: boolean },
): Promise<EventPage> {
  return getJson<EventPage>(API, token, {
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
export async function fetchCsvExport(token: string, filters: Record<string, string>): Promise<Blob> {
  return getBlob(`${API}/export`, token, { ...filters, format: 'csv' }, 'text/csv');
}
