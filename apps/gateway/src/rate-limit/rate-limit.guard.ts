import { type CanActivate, type ExecutionContext, Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { ApiError, type RequestWithPrincipal } from '@meshtrail/auth';
import { TokenBuckets, type RateLimitSettings } from './token-bucket';

export const RATE_LIMIT_SETTINGS = Symbol('RATE_LIMIT_SETTINGS');

const limited = metrics.getMeter('meshtrail').createCounter('meshtrail.api.rate_limited', {
  description: 'Requests refused with 429 because their principal exceeded its rate',
});

/**
 * Per-principal rate limit for the query API (runs after AuthGuard, which sets the principal).
 * Over the limit: 429 with Retry-After. Limits are per gateway instance.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly buckets: TokenBuckets;
  private readonly pruner: NodeJS.Timeout;

  constructor(@Inject(RATE_LIMIT_SETTINGS) private readonly settings: RateLimitSettings) {
    this.buckets = new TokenBuckets(settings);
    this.pruner = setInterval(() => this.buckets.prune(), 60_000);
    this.pruner.unref();
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const principal = http.getRequest<RequestWithPrincipal>().principal;
    if (!principal) return true; // AuthGuard refuses such requests before this guard runs
    const response = http.getResponse<{ setHeader(name: string, value: string): void }>();
    const decision = this.buckets.take(`${principal.kind}:${principal.id}`);
    response.setHeader('RateLimit-Limit', String(this.settings.perMinute));
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

  onModuleDestroy(): void {
    clearInterval(this.pruner);
  }
}
