import type { Request } from 'express';
import type { Principal } from '@meshtrail/auth';

/** Where a read came from, for its AuditLogViewed event. */
export interface ReadContext {
  principal: Principal;
  sourceIp?: string;
  correlationId?: string;
}

export function contextOf(principal: Principal, request: Request): ReadContext {
  const correlation = request.headers['x-correlation-id'] ?? request.headers['x-request-id'];
  return {
    principal,
    sourceIp: request.ip,
    correlationId: typeof correlation === 'string' ? correlation : undefined,
  };
}
