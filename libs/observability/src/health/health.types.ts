export type HealthStatus = 'UP' | 'DOWN' | 'OUT_OF_SERVICE';

export interface ComponentHealth {
  status: 'UP' | 'DOWN';
  details?: Record<string, unknown>;
}

/** One dependency's check (database, broker, ...). It may throw or hang: the health service bounds both. */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<ComponentHealth>;
}

export interface CompositeHealth {
  status: HealthStatus;
  components: Record<string, ComponentHealth>;
}

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');
