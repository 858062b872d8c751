import { Inject, Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthThrottle, ThrottledRequest, ThrottleRefusal } from '@meshtrail/auth';
import { resolveClientAddress, TrustedProxies } from '@meshtrail/observability';
import { addressKey } from './address-key';
import { windowOf, type RateLimitSettings } from './rate-limit.settings';

export const ADDRESS_LIMIT_SETTINGS = Symbol('ADDRESS_LIMIT_SETTINGS');

export interface AddressLimitSettings {
  /** Requests per client address, before authentication. */
  requests: RateLimitSettings;
  /** Failed authentications per client address and minute; past them the address waits out the minute. */
  failuresPerMinute: number;
  /** Proxies whose X-Forwarded-For is believed (ACCESS_LOG_TRUSTED_PROXIES): the address the access line shows. */
  trustedProxies: readonly string[];
}

const limited = metrics.getMeter('meshtrail').createCounter('meshtrail.api.rate_limited', {
  description: 'Requests refused with 429 because their principal or client address exceeded its rate',
});

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/**
 * The limits a request meets before its credentials are looked at, kept in this replica's memory
 * (no query per request, so a flood of anonymous or forged requests costs no database work once
 * refused): requests per client address, and failed authentications per client address. The
 * per-principal limit (RateLimiter, shared through PostgreSQL) applies after authentication.
 */
@Injectable()
export class ClientAddressLimiter implements AuthThrottle {
  private readonly requests: RateLimiterMemory;
  private readonly failures: RateLimiterMemory;
  private readonly trusted: TrustedProxies;
  readonly failureLimit: number;

  constructor(@Inject(ADDRESS_LIMIT_SETTINGS) settings: AddressLimitSettings) {
    this.requests = new RateLimiterMemory({ keyPrefix: 'address', ...windowOf(settings.requests) });
    this.failureLimit = settings.failuresPerMinute;
    this.failures = new RateLimiterMemory({ keyPrefix: 'failures', points: settings.failuresPerMinute, duration: 60 });
    this.trusted = new TrustedProxies(settings.trustedProxies);
  }

  private keyOf(request: ThrottledRequest): string {
    return addressKey(
      resolveClientAddress(request.socket?.remoteAddress, request.headers['x-forwarded-for'], this.trusted),
    );
  }

  async admit(request: ThrottledRequest): Promise<ThrottleRefusal | undefined> {
    const key = this.keyOf(request);
    const failed = await this.failures.get(key);
    if (failed && failed.consumedPoints >= this.failureLimit) {
      limited.add(1, { kind: 'address_failures' });
      const seconds = retryAfter(failed);
      return {
        retryAfterSec: seconds,
        code: 'AUTH.TOO_MANY_FAILURES',
        message: `too many failed authentications from this address (AUTH_FAILURES_PER_ADDRESS_PER_MINUTE = ${this.failureLimit}); retry after ${seconds} s`,
      };
    }
    try {
      await this.requests.consume(key);
      return undefined;
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      limited.add(1, { kind: 'address' });
      const seconds = retryAfter(refused);
      return {
        retryAfterSec: seconds,
        code: 'API.RATE_LIMITED',
        message: `rate limit of this client address exceeded (API_RATE_LIMIT_PER_ADDRESS_PER_MINUTE); retry after ${seconds} s`,
      };
    }
  }

  failed(request: ThrottledRequest): void {
    // over the limit the memory store rejects; the next admit() refuses the address
    this.failures.consume(this.keyOf(request)).catch(() => undefined);
  }
}
