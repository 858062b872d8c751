import { cacheControlFor, contentSecurityPolicy } from './ui-headers';

describe('the Event Logs page headers', () => {
  it('allows code, styles and requests only from the gateway, plus the token endpoint origin', () => {
    const csp = contentSecurityPolicy('https://keycloak.example.com/realms/platform/protocol/openid-connect/token');
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self' https://keycloak.example.com",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ]);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('talks to the gateway only when no issuer is known', () => {
    expect(contentSecurityPolicy(undefined)).toContain("connect-src 'self';");
  });

  it('caches hashed assets for a year and makes the page revalidate', () => {
    expect(cacheControlFor({ immutable: true })).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor({ immutable: false })).toBe('no-cache');
  });
});
