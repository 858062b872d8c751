import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { withTimeout } from '../with-timeout';
import { toActuatorHealth } from './actuator-health';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options';
import { HEALTH_INDICATORS, type CompositeHealth, type HealthIndicator, type HealthStatus } from './health.types';

/** Runs the service's indicators through terminus and answers in Spring Boot Actuator's shape. */
@Injectable()
export class HealthService {
  private shuttingDown = false;

  constructor(
    private readonly checks: HealthCheckService,
    private readonly results: HealthIndicatorService,
    @Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[],
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  /** Readiness turns OUT_OF_SERVICE as soon as a shutdown begins, so traffic drains first. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async health(): Promise<CompositeHealth> {
    const result = await this.checks
      .check(this.indicators.map((indicator) => () => this.check(indicator)))
      .catch(resultOfUnavailable);
    return toActuatorHealth(
      result,
      this.indicators.map((indicator) => indicator.name),
    );
  }

  liveness(): { status: HealthStatus } {
    return { status: 'UP' };
  }

  /** The full picture, DOWN only for components that count for readiness (see HealthIndicator.readiness). */
  async readiness(): Promise<CompositeHealth> {
    if (this.shuttingDown) return { status: 'OUT_OF_SERVICE', components: {} };
    const health = await this.health();
    const counted = this.indicators.filter((indicator) => indicator.readiness !== false).map((i) => i.name);
    const down = counted.some((name) => health.components[name]?.status !== 'UP');
    return { ...health, status: down ? 'DOWN' : 'UP' };
  }

  /** One indicator as terminus takes it: its own answer, or DOWN saying why it threw or hung. */
  private async check(indicator: HealthIndicator): Promise<HealthIndicatorResult> {
    const session = this.results.check(indicator.name);
    try {
      const { status, details } = await withTimeout(indicator.check(), this.options.timeoutMs, indicator.name);
      return status === 'UP' ? session.up({ details }) : session.down({ details });
    } catch (error) {
      return session.down({ details: { error: (error as Error).message } });
    }
  }
}

/** Terminus answers a check that is not ok with a 503 exception carrying the whole result. */
function resultOfUnavailable(error: unknown): HealthCheckResult {
  if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
  throw error;
}
