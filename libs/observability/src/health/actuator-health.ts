import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';
import type { ComponentHealth, CompositeHealth, HealthStatus } from './health.types';

/**
 * Terminus's result in Spring Boot Actuator's shape: each component under its name, in the
 * indicators' order (terminus lists those up before those down), and DOWN when any is down. The
 * status comes from terminus's `error` part, not its overall status, which turns `shutting_down`
 * as soon as Nest begins to close: the full picture reports its components until the end, and
 * readiness has its own, earlier, out-of-service answer.
 */
export function toActuatorHealth(result: HealthCheckResult, names: readonly string[]): CompositeHealth {
  const components = Object.fromEntries(names.map((name) => [name, toComponent(result.details[name])]));
  return { status: Object.keys(result.error ?? {}).length > 0 ? 'DOWN' : 'UP', components };
}

function toComponent(indicator: HealthIndicatorResult[string]): ComponentHealth {
  const { status, details } = indicator as { status: string; details?: Record<string, unknown> };
  const component: ComponentHealth = { status: status === 'up' ? 'UP' : 'DOWN' };
  if (details !== undefined) component.details = details;
  return component;
}

export function httpStatusFor(status: HealthStatus): number {
  return status === 'UP' ? 200 : 503;
}
