import { metrics } from '@opentelemetry/api';
import { ApiError, type Principal } from '@meshtrail/auth';

/** The reads that hold database connections for long: exports (minutes) and text searches (several connections). */
export type HeavyRead = 'export' | 'textSearch';

export interface HeavyReadLimit {
  /** At once per principal; past it, 429. */
  perPrincipal: number;
  perPrincipalSetting: string;
  /** At once in this gateway replica; past it, 503. Absent: no replica-wide bound. */
  total?: number;
  totalSetting?: string;
}

export type HeavyReadLimits = Record<HeavyRead, HeavyReadLimit>;

export const HEAVY_READ_LIMITS = Symbol('HEAVY_READ_LIMITS');

/** What a refused client should wait before trying again: heavy reads end on their own, not on a clock. */
export const RETRY_AFTER_SECONDS = 5;

const NAMES: Record<HeavyRead, string> = { export: 'exports', textSearch: 'text searches' };

const refused = metrics.getMeter('meshtrail').createCounter('meshtrail.api.heavy_reads_refused', {
  description: 'Exports and text searches refused because their principal or the gateway ran too many at once',
});

/**
 * Counts the exports and text searches running in this replica, per principal and in all, and
 * refuses one more past the limits: 429 when the principal runs too many (it can wait for its
 * own), 503 when the replica does (another replica may have room). Each refusal names the
 * setting that bounds it and carries Retry-After.
 */
export class ReadSlots {
  private readonly running = new Map<string, number>();
  private readonly totals = new Map<HeavyRead, number>();

  constructor(private readonly limits: HeavyReadLimits) {}

  /** Takes a slot for `kind`, or throws the refusal; the returned release gives it back (once). */
  acquire(kind: HeavyRead, principal: Principal): () => void {
    const limit = this.limits[kind];
    const key = `${kind}:${principal.kind}:${principal.id}`;
    const mine = this.running.get(key) ?? 0;
    const all = this.totals.get(kind) ?? 0;
    if (mine >= limit.perPrincipal) {
      refused.add(1, { read: kind, limit: 'principal' });
      throw new ApiError(
        429,
        'QUERY.TOO_MANY_AT_ONCE',
        `at most ${limit.perPrincipal} ${NAMES[kind]} at once per principal (${limit.perPrincipalSetting}); retry when one has finished`,
        { limit: limit.perPrincipalSetting, retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
    if (limit.total !== undefined && all >= limit.total) {
      refused.add(1, { read: kind, limit: 'gateway' });
      throw new ApiError(
        503,
        'QUERY.BUSY',
        `this gateway runs ${limit.total} ${NAMES[kind]} already (${limit.totalSetting}); retry shortly`,
        { limit: limit.totalSetting, retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
    this.running.set(key, mine + 1);
    this.totals.set(kind, all + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(key) ?? 1) - 1;
      if (left > 0) this.running.set(key, left);
      else this.running.delete(key);
      this.totals.set(kind, (this.totals.get(kind) ?? 1) - 1);
    };
  }

  /** How many of `kind` run now (for health details and tests). */
  runningCount(kind: HeavyRead): number {
    return this.totals.get(kind) ?? 0;
  }
}
