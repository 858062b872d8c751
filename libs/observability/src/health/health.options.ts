export interface HealthOptions {
  /** Upper bound for each indicator's check. */
  timeoutMs: number;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
