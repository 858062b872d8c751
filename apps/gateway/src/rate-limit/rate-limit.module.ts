import { type DynamicModule, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import { RATE_LIMIT_SETTINGS, RateLimiter } from './rate-limiter';
import type { RateLimitSettings } from './rate-limit.settings';

/** One RateLimiter for the whole gateway, so a principal's budget is shared by every API. */
@Module({})
export class RateLimitModule {
  static register(settings: RateLimitSettings): DynamicModule {
    return {
      module: RateLimitModule,
      global: true,
      providers: [{ provide: RATE_LIMIT_SETTINGS, useValue: settings }, RateLimiter, RateLimitGuard],
      exports: [RateLimiter, RateLimitGuard],
    };
  }
}
