import { type CanActivate, type ExecutionContext, HttpException, Injectable } from '@nestjs/common';

/** The principal an authentication guard put on the request (issue 4's libs/auth sets req.principal). */
export interface AdminPrincipal {
  kind: 'user' | 'apiKey';
  id: string;
  name: string;
  admin: boolean;
}

export function apiError(status: number, code: string, message: string, parameter?: string): HttpException {
  const error = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' }[
    status
  ];
  return new HttpException({ statusCode: status, error, code, message, ...(parameter ? { parameter } : {}) }, status);
}

/**
 * Fails closed: lets a request through only when an authentication guard that ran before it has
 * set an admin principal on the request. Mounted without one, every request gets 401, so the
 * admin endpoints are never open.
 */
@Injectable()
export class AdminPrincipalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<{ principal?: AdminPrincipal }>().principal;
    if (!principal) throw apiError(401, 'AUTH.UNAUTHENTICATED', 'a bearer token or API key of an admin is required');
    if (principal.admin !== true) throw apiError(403, 'AUTH.FORBIDDEN', 'this operation needs a platform admin');
    return true;
  }
}
