import type { GatewayEnv } from '../gateway.env';
import type { ReadDurations } from './read-limits.module';
import type { HeavyReadLimits } from './read-slots';

/** The gateway's validated environment, as the heavy-read limits and durations. */
export function readLimitsOf(config: GatewayEnv): [HeavyReadLimits, ReadDurations] {
  return [
    {
      export: {
        perPrincipal: config.EXPORT_CONCURRENCY_PER_PRINCIPAL,
        perPrincipalSetting: 'EXPORT_CONCURRENCY_PER_PRINCIPAL',
        total: config.EXPORT_CONCURRENCY,
        totalSetting: 'EXPORT_CONCURRENCY',
      },
      textSearch: {
        perPrincipal: config.TEXT_SEARCH_CONCURRENCY_PER_PRINCIPAL,
        perPrincipalSetting: 'TEXT_SEARCH_CONCURRENCY_PER_PRINCIPAL',
      },
    },
    { queryTimeoutMs: config.QUERY_TIMEOUT_MS, exportTimeoutMs: config.EXPORT_TIMEOUT_MS },
  ];
}
