/**
 * The page's Content Security Policy: scripts, styles and images only from the gateway itself,
 * no inline code, no framing, no plugins; the only other origin it may talk to is the identity
 * provider's token endpoint (the PKCE code exchange). Sign-in itself is a top-level navigation.
 */
export function contentSecurityPolicy(tokenEndpoint: string | undefined): string {
  const connect = ["'self'"];
  if (tokenEndpoint) connect.push(new URL(tokenEndpoint).origin);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers of every /ui/ response: no sniffing, no framing, and no Referer (the sign-in code is in the address). */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Hashed assets are cached for a year; the page itself and its configuration are checked every time. */
export function cacheControlFor(asset: { immutable: boolean }): string {
  return asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache';
}
