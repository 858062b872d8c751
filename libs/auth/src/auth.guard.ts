import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from './api-error';
import { Authenticator } from './authenticator';
import type { Principal } from './principal';

export const REQUIRE_ADMIN = 'meshtrail:require-admin';
export const REQUIRE_KEY_MANAGEMENT = 'meshtrail:require-key-management';

/** A request after the guard: `principal` is set (issue 5's access log writes `principal.name`). */
export interface RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

interface HeaderSink {
  setHeader(name: string, value: string): void;
}

/**
 * Authenticates every request of the routes it guards and sets `req.principal`; routes marked
 * with @RequireAdmin() additionally need an admin, and those with @RequireKeyManagement() the
 * key-management right (403 otherwise).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithPrincipal>();
    try {
      request.principal = await this.authenticator.authenticate(request.headers);
    } catch (error) {
      if (error instanceof ApiError && error.getStatus() === 401) {
        // RFC 6750, 3: tell the client which scheme to use, and why the token was refused
        const description = String((error.getResponse() as { message: string }).message).replace(/"/g, "'");
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
