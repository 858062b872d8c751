export interface RateLimitSettings {
  /** Sustained requests per minute per principal. */
  perMinute: number;
  /** Requests a principal may make at once after being idle. */
  burst: number;
}

/** A fixed window: `points` requests per `duration` seconds. */
export interface RateWindow {
  points: number;
  duration: number;
}

/**
 * The fixed window that gives the configured rate and burst: about `burst` requests per
 * burst/rate, in whole seconds (the store keeps expiry times in whole milliseconds), at least one.
 */
export function windowOf({ perMinute, burst }: RateLimitSettings): RateWindow {
  const duration = Math.max(1, Math.round((burst * 60) / perMinute));
  return { points: Math.max(1, Math.round((perMinute * duration) / 60)), duration };
}
