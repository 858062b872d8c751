import { looksLikeApiKey } from './api-keys/api-key-secret';

/** What a request presents: an OIDC bearer token, an API key, or nothing usable. */
export type Credentials =
  | { kind: 'token'; token: string }
  | { kind: 'apiKey'; key: string }
  | { kind: 'none' }
  | { kind: 'malformed'; reason: string };

/**
 * Reads the credentials of a request: `Authorization: Bearer <jwt>`, or an API key as
 * `Authorization: Bearer mtk_...` (for clients that only speak bearer), `Authorization: ApiKey mtk_...`
 * or `X-API-Key: mtk_...`.
 */
export function credentialsFrom(headers: Record<string, string | string[] | undefined>): Credentials {
  const authorization = single(headers.authorization);
  const apiKeyHeader = single(headers['x-api-key']);
  if (authorization === null || apiKeyHeader === null)
    return { kind: 'malformed', reason: 'repeated credentials header' };
  if (authorization !== undefined && apiKeyHeader !== undefined) {
    return { kind: 'malformed', reason: 'both Authorization and X-API-Key given' };
  }
  if (apiKeyHeader !== undefined) return { kind: 'apiKey', key: apiKeyHeader.trim() };
  if (authorization === undefined) return { kind: 'none' };
  const match = /^(Bearer|ApiKey)\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match)
    return { kind: 'malformed', reason: 'the Authorization header must be "Bearer <token>" or "ApiKey <key>"' };
  const [, scheme, value] = match;
  if (scheme.toLowerCase() === 'apikey' || looksLikeApiKey(value)) return { kind: 'apiKey', key: value };
  return { kind: 'token', token: value };
}

/** The one value of a header; null when it was repeated. */
function single(value: string | string[] | undefined): string | undefined | null {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : null;
  return value;
}
