import { IdentityProviderUnavailable } from './token-errors';

/** The fields of an OpenID Connect discovery document that meshtrail reads. */
export interface DiscoveryDocument {
  issuer: string;
  jwks_uri?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  /** Where a browser ends its session at the issuer (OpenID Connect RP-Initiated Logout). */
  end_session_endpoint?: string;
}

/**
 * The issuer's discovery document (`<issuer>/.well-known/openid-configuration`), which must name
 * the issuer itself (OpenID Connect Discovery 1.0, 4.3); otherwise IdentityProviderUnavailable.
 */
export async function fetchDiscoveryDocument(
  issuer: string,
  timeoutMs: number,
  fetchFn: typeof fetch = fetch,
): Promise<DiscoveryDocument> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let document: Partial<Record<keyof DiscoveryDocument, unknown>>;
  try {
    const response = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    document = (await response.json()) as typeof document;
  } catch (error) {
    throw new IdentityProviderUnavailable(`discovery document unavailable: ${(error as Error).message}`);
  }
  if (document.issuer !== issuer) {
    throw new IdentityProviderUnavailable('discovery document names a different issuer');
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    issuer,
    jwks_uri: text(document.jwks_uri),
    authorization_endpoint: text(document.authorization_endpoint),
    token_endpoint: text(document.token_endpoint),
    end_session_endpoint: text(document.end_session_endpoint),
  };
}
