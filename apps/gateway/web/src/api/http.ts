/** The gateway's API as the page calls it: same origin, bearer token, errors as ApiFailure. */

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

export type QueryParams = Record<string, string | number | boolean | undefined>;

/** `?a=1&b=2` of the defined parameters ('' when none). */
export function queryString(params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function failureOf(response: Response): Promise<ApiFailure> {
  const body = (await response.json().catch(() => ({}))) as { message?: unknown; code?: unknown; parameter?: unknown };
  return new ApiFailure(
    response.status,
    typeof body.message === 'string' ? body.message : `${response.status} ${response.statusText}`,
    typeof body.code === 'string' ? body.code : undefined,
    typeof body.parameter === 'string' ? body.parameter : undefined,
  );
}

/** Calls the API; resolves to the response when it is a 2xx, else rejects with the API's ApiFailure. */
export async function callApi(
  path: string,
  token: string,
  init: { method?: string; body?: unknown; accept?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: init.accept ?? 'application/json',
  };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.ok) return response;
  throw await failureOf(response);
}

export async function getJson<T>(path: string, token: string, params?: QueryParams): Promise<T> {
  return (await callApi(`${path}${queryString(params)}`, token)).json() as Promise<T>;
}

export async function sendJson<T>(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  token: string,
  body?: unknown,
): Promise<T> {
  return (
    await callApi(path, token, { method, body: body ?? (method === 'DELETE' ? undefined : {}) })
  ).json() as Promise<T>;
}

/** A file the API streams (CSV, NDJSON), for the page to save. */
export async function getBlob(path: string, token: string, params: QueryParams, accept: string): Promise<Blob> {
  return (await callApi(`${path}${queryString(params)}`, token, { accept })).blob();
}

/** The caller as the gateway sees them (GET /api/v1/me). */
export interface Me {
  kind: 'user' | 'apiKey';
  id: string;
  name: string;
  admin: boolean;
  manageKeys: boolean;
  workspaces: string[];
  expiresAt: string | null;
}

export function fetchMe(token: string): Promise<Me> {
  return getJson<Me>('/api/v1/me', token);
}
