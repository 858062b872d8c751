import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from './api-error';
import { AUTH_THROTTLE, type AuthThrottle, type ThrottledRequest } from './auth-throttle';
import { Authenticator } from './authenticator';
import type { Principal } from './principal';

export const REQUIRE_ADMIN = 'meshtrail:require-admin';
export const REQUIRE_KEY_MANAGEMENT = 'meshtrail:require-key-management';

/** A request after the guard: `principal` is set (issue 5's access log writes `principal.name`). */
export interface RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  socket?: { remoteAddress?: string };
  principal?: Principal;
}

interface HeaderSink {
  setHeader(name: string, value: string): void;
}

/** The longest error_description the WWW-Authenticate header repeats. */
const MAX_DESCRIPTION = 200;

/**
 * The refusal's reason as an RFC 6750 error_description: printable ASCII without `"` or `\`
 * (RFC 6750, 3), bounded. A token's header may hold anything (a newline, a character beyond
 * Latin-1), and a header value Node refuses would turn a 401 into a 500.
 */
export function errorDescription(message: string): string {
  const printable = message.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?');
  return printable.length > MAX_DESCRIPTION ? `${printable.slice(0, MAX_DESCRIPTION - 3)}...` : printable;
}

/**
 * Authenticates every request of the routes it guards and sets `req.principal`; routes marked
 * with @RequireAdmin() additionally need an admin (and, to change something, a person or a key
 * that also manages keys), and those with @RequireKeyManagement() the key-management right (403
 * otherwise). A throttle, when the app provides one, is asked first
 * (429 before any credential is looked at) and told of each failure.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly reflector: Reflector,
    @Optional() @Inject(AUTH_THROTTLE) private readonly throttle?: AuthThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithPrincipal>();
    const refusal = await this.throttle?.admit(request as ThrottledRequest);
    if (refusal) {
      http.getResponse<HeaderSink>().setHeader('Retry-After', String(refusal.retryAfterSec));
      throw new ApiError(429, refusal.code, refusal.message, { retryAfterSeconds: refusal.retryAfterSec });
    }
    try {
      request.principal = await this.authenticator.authenticate(request.headers);
    } catch (error) {
      if (error instanceof ApiError && error.getStatus() === 401) {
        this.throttle?.failed(request as ThrottledRequest);
        // RFC 6750, 3: tell the client which scheme to use, and why the token was refused
        const description = errorDescription(String((error.getResponse() as { message: string }).message));
        http
          .getResponse<HeaderSink>()
          .setHeader(
            'WWW-Authenticate',
            `Bearer realm="meshtrail", error="invalid_token", error_description="${description}"`,
          );
      }
      throw error;
    }
    const adminOnly = this.reflector.getAllAndOverride<boolean>(REQUIRE_ADMIN, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (adminOnly && !request.principal.admin) {
      throw new ApiError(403, 'AUTH.FORBIDDEN', 'this operation needs a platform admin');
    }
    // the read-all scope only reads: what changes something (a retention run, a legal hold, a
    // replay) needs a person with the admin role, or a key that also holds manageKeys
    const changes = request.method !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
    if (adminOnly && changes && request.principal.kind === 'apiKey' && !request.principal.manageKeys) {
      throw new ApiError(
        403,
        'AUTH.FORBIDDEN',
        'this key reads every workspace but changes nothing: this operation needs a platform admin, or a key with admin and manageKeys',
      );
    }
    const keyManagement = this.reflector.getAllAndOverride<boolean>(REQUIRE_KEY_MANAGEMENT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (keyManagement && !request.principal.manageKeys) {
      throw new ApiError(
        403,
        'AUTH.FORBIDDEN',
        'this operation needs the key-management right (a platform admin, or a key with manageKeys)',
      );
    }
    return true;
  }
}
