import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { ApiError, type RequestWithPrincipal } from '@meshtrail/auth';
import { RateLimiter } from './rate-limiter';

const limited = metrics.getMeter('meshtrail').createCounter('meshtrail.api.rate_limited', {
  description: 'Requests refused with 429 because their principal exceeded its rate',
});

/**
 * Per-principal rate limit for the APIs (runs after AuthGuard, which sets the principal). Over
 * the limit: 429 with Retry-After. The limit holds across gateway replicas.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const principal = http.getRequest<RequestWithPrincipal>().principal;
    if (!principal) return true; // AuthGuard refuses such requests before this guard runs
    const response = http.getResponse<{ setHeader(name: string, value: string): void }>();
    const decision = await this.limiter.take(`${principal.kind}:${principal.id}`);
    response.setHeader('RateLimit-Limit', String(this.limiter.limit));
    if (decision.allowed) {
      response.setHeader('RateLimit-Remaining', String(decision.remaining));
      return true;
    }
    limited.add(1, { kind: principal.kind });
    response.setHeader('Retry-After', String(decision.retryAfterSec));
    throw new ApiError(429, 'API.RATE_LIMITED', `rate limit exceeded; retry after ${decision.retryAfterSec} s`, {
      retryAfterSeconds: decision.retryAfterSec,
    });
  }
}
