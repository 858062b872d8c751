import type { IncomingHttpHeaders } from 'node:http';

/** What a throttle sees of a request: its headers and the peer it came from. */
export interface ThrottledRequest {
  headers: IncomingHttpHeaders;
  socket?: { remoteAddress?: string };
}

/** A refusal before authentication: how long the client should wait, and why. */
export interface ThrottleRefusal {
  retryAfterSec: number;
  code: string;
  message: string;
}

/**
 * Asked by the AuthGuard before it looks at a request's credentials, and told of each failed
 * authentication. It must decide from memory: a client over its limits is refused before its
 * credentials cost a database lookup or a signature check.
 */
export interface AuthThrottle {
  admit(request: ThrottledRequest): Promise<ThrottleRefusal | undefined>;
  failed(request: ThrottledRequest): void;
}

/** Provider token of the optional AuthThrottle (the gateway provides one; without it nothing is throttled). */
export const AUTH_THROTTLE = Symbol('AUTH_THROTTLE');
