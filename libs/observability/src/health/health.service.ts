import { Inject, Injectable } from '@nestjs/common';
import { aggregateHealth, withTimeout } from './health-aggregation';
import {
  HEALTH_INDICATORS,
  type ComponentHealth,
  type CompositeHealth,
  type HealthIndicator,
  type HealthStatus,
} from './health.types';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options';

@Injectable()
export class HealthService {
  private shuttingDown = false;

  constructor(
    @Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[],
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  /** Readiness turns OUT_OF_SERVICE as soon as a shutdown begins, so traffic drains first. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async health(): Promise<CompositeHealth> {
    const results = await Promise.all(
      this.indicators.map(async (indicator): Promise<[string, ComponentHealth]> => {
        try {
          return [indicator.name, await withTimeout(indicator.check(), this.options.timeoutMs, indicator.name)];
        } catch (error) {
          return [indicator.name, { status: 'DOWN', details: { error: (error as Error).message } }];
        }
      }),
    );
    return aggregateHealth(Object.fromEntries(results));
  }

  liveness(): { status: HealthStatus } {
    return { status: 'UP' };
  }

  async readiness(): Promise<CompositeHealth> {
    if (this.shuttingDown) return { status: 'OUT_OF_SERVICE', components: {} };
    return this.health();
  }
}
