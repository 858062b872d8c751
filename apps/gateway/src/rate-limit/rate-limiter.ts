import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { QueryConfig } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DatabaseConnection } from '@meshtrail/database';
import { windowOf, type RateLimitSettings } from './rate-limit.settings';

export const RATE_LIMIT_SETTINGS = Symbol('RATE_LIMIT_SETTINGS');

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSec: number };

/**
 * The principals' request windows, kept in PostgreSQL (`api_rate_limits`, created by a migration),
 * so every gateway replica counts against the same limit. While the database cannot be reached,
 * each replica counts in memory with the same settings: requests are neither all let through nor
 * all refused.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  /** Requests per window, for the RateLimit-Limit header. */
  readonly limit: number;
  private readonly limiter: RateLimiterPostgres;
  private closed = false;

  constructor(@Inject(RATE_LIMIT_SETTINGS) settings: RateLimitSettings, connection: DatabaseConnection) {
    const window = windowOf(settings);
    this.limit = window.points;
    // asks for the pool per query: a database that is down at start is retried, not fatal
    const store = {
      query: async (query: QueryConfig) => {
        if (this.closed) throw new Error('the rate limiter is closed');
        // on the reserved connections, like authentication: busy queries never stall the limit
        return connection.reservedPool().query(query);
      },
    };
    this.limiter = new RateLimiterPostgres({
      storeClient: store,
      storeType: 'pool',
      tableName: 'api_rate_limits',
      tableCreated: true,
      keyPrefix: 'api',
      ...window,
      // a principal over its limit is refused from memory until its window ends, without a query
      inMemoryBlockOnConsumed: window.points,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'api', ...window }),
    });
  }

  async take(key: string): Promise<RateDecision> {
    try {
      return { allowed: true, remaining: (await this.limiter.consume(key)).remainingPoints };
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(refused.msBeforeNext / 1000)) };
    }
  }

  /** The store's periodic clean-up of expired windows must not reconnect a closing gateway. */
  onModuleDestroy(): void {
    this.closed = true;
  }
}
