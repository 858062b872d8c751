import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { TokenBuckets, type RateDecision, type RateLimitSettings } from './token-bucket';

export const RATE_LIMIT_SETTINGS = Symbol('RATE_LIMIT_SETTINGS');

/** The gateway's one set of token buckets (guards are instantiated per module; the budget is not). */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly buckets: TokenBuckets;
  private readonly pruner: NodeJS.Timeout;

  constructor(@Inject(RATE_LIMIT_SETTINGS) readonly settings: RateLimitSettings) {
    this.buckets = new TokenBuckets(settings);
    this.pruner = setInterval(() => this.buckets.prune(), 60_000);
    this.pruner.unref();
  }

  take(key: string): RateDecision {
    return this.buckets.take(key);
  }

  onModuleDestroy(): void {
    clearInterval(this.pruner);
  }
}
