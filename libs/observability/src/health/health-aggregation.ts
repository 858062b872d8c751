import type { ComponentHealth, CompositeHealth, HealthStatus } from './health.types';

const SEVERITY: Record<HealthStatus, number> = { UP: 0, OUT_OF_SERVICE: 1, DOWN: 2 };

/** Spring Boot Actuator's rule: the worst component status is the overall status. */
export function aggregateHealth(components: Record<string, ComponentHealth>): CompositeHealth {
  let status: HealthStatus = 'UP';
  for (const component of Object.values(components)) {
    if (SEVERITY[component.status] > SEVERITY[status]) status = component.status;
  }
  return { status, components };
}

export function httpStatusFor(status: HealthStatus): number {
  return status === 'UP' ? 200 : 503;
}

/** Rejects when the promise has not settled in time, so a hanging dependency cannot hang a probe. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
