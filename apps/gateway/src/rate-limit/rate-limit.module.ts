import { type DynamicModule, Module } from '@nestjs/common';
import { AUTH_THROTTLE } from '@meshtrail/auth';
import { ADDRESS_LIMIT_SETTINGS, ClientAddressLimiter, type AddressLimitSettings } from './client-address.limiter';
import { RateLimitGuard } from './rate-limit.guard';
import { RATE_LIMIT_SETTINGS, RateLimiter } from './rate-limiter';
import type { RateLimitSettings } from './rate-limit.settings';

/** Generous enough never to matter, for tests that limit only principals. */
export const UNLIMITED_ADDRESSES: AddressLimitSettings = {
  requests: { perMinute: 1_000_000, burst: 1_000_000 },
  failuresPerMinute: 1_000_000,
  trustedProxies: [],
};

/**
 * One RateLimiter for the whole gateway, so a principal's budget is shared by every API; and the
 * per-address limits the AuthGuard asks before authenticating (AUTH_THROTTLE).
 */
@Module({})
export class RateLimitModule {
  static register(settings: RateLimitSettings, addresses: AddressLimitSettings = UNLIMITED_ADDRESSES): DynamicModule {
    return {
      module: RateLimitModule,
      global: true,
      providers: [
        { provide: RATE_LIMIT_SETTINGS, useValue: settings },
        { provide: ADDRESS_LIMIT_SETTINGS, useValue: addresses },
        RateLimiter,
        RateLimitGuard,
        ClientAddressLimiter,
        { provide: AUTH_THROTTLE, useExisting: ClientAddressLimiter },
      ],
      exports: [RateLimiter, RateLimitGuard, AUTH_THROTTLE],
    };
  }
}
