export type HealthStatus = 'UP' | 'DOWN' | 'OUT_OF_SERVICE';

export interface ComponentHealth {
  status: 'UP' | 'DOWN';
  details?: Record<string, unknown>;
}

/**
 * What is wrong, in a component's details (`details.problem`), so the telemetry relay can tell the
 * operations center without parsing each component's own shape. The description is made from
 * bounded words (store kinds, topics, counts), never from an error message, which can quote data.
 */
export interface HealthProblem {
  /** Stable code: retention_run_failed, consumer_stalled, siem_backlog, dead_letter_burst, ... */
  type: string;
  severity: 'critical' | 'warning';
  /** When it began (ISO 8601). */
  since: string;
  description: string;
}

/** One dependency's check (database, broker, ...). It may throw or hang: the health service bounds both. */
export interface HealthIndicator {
  readonly name: string;
  /**
   * false: the component shows in /actuator/health but does not take the service out of
   * readiness (a failed weekly run must not stop a rollout that may bring its fix). Default true.
   */
  readonly readiness?: boolean;
  check(): Promise<ComponentHealth>;
}

export interface CompositeHealth {
  status: HealthStatus;
  components: Record<string, ComponentHealth>;
}

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');
