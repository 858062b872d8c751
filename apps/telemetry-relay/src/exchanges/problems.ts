import type { ExportMetricsServiceRequest } from '@meshtrail/otlp';
import { gaugeMetric, relayRequest, type RelayIdentity } from './exchange-metrics';
import type { ServiceObservation } from './health-check';

/** One problem as the operations center receives it. */
export interface RelayedProblem {
  service: string;
  component: string;
  type: string;
  severity: 'critical' | 'warning';
  /** When it began, milliseconds since the epoch. */
  sinceMillis: number;
  description: string;
}

/** The scrubber removes longer label values: a description is cut to fit rather than lost. */
const MAX_DESCRIPTION = 128;
const TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const SEVERITIES = new Set(['critical', 'warning']);

/**
 * The problems the services' health shows: each component's `details.problem` / `details.problems`
 * as the service described them, a DOWN component that gave none as `component_down`, and a
 * service that did not answer as `service_unreachable`. A component UP with a problem is degraded:
 * reported too. A malformed problem falls back to `component_down` (when DOWN), never to its text.
 */
export function problemsOf(observations: ServiceObservation[], atMillis: number): RelayedProblem[] {
  const problems: RelayedProblem[] = [];
  for (const observation of observations) {
    const service = observation.service;
    if (!observation.health) {
      problems.push({
        service,
        component: 'overall',
        type: 'service_unreachable',
        severity: 'critical',
        sinceMillis: atMillis,
        description: `${service} did not answer its health check`,
      });
      continue;
    }
    for (const [component, health] of Object.entries(observation.health.components ?? {})) {
      const described = declaredProblems(health?.details)
        .map((problem) => validProblem(problem, atMillis))
        .filter((problem) => problem !== undefined);
      for (const problem of described) problems.push({ service, component, ...problem });
      if (described.length === 0 && health?.status !== 'UP')
        problems.push({
          service,
          component,
          type: 'component_down',
          severity: 'critical',
          sinceMillis: atMillis,
          description: `${service} component ${component} is DOWN`.slice(0, MAX_DESCRIPTION),
        });
    }
  }
  return problems;
}

function declaredProblems(details: Record<string, unknown> | undefined): unknown[] {
  if (!details) return [];
  const many = Array.isArray(details.problems) ? (details.problems as unknown[]) : [];
  return details.problem !== undefined ? [details.problem, ...many] : many;
}

function validProblem(problem: unknown, atMillis: number): Omit<RelayedProblem, 'service' | 'component'> | undefined {
  if (typeof problem !== 'object' || problem === null) return undefined;
  const { type, severity, since, description } = problem as Record<string, unknown>;
  if (typeof type !== 'string' || !TYPE.test(type)) return undefined;
  if (typeof severity !== 'string' || !SEVERITIES.has(severity)) return undefined;
  if (typeof description !== 'string') return undefined;
  const sinceMillis = typeof since === 'string' ? Date.parse(since) : NaN;
  return {
    type,
    severity: severity as RelayedProblem['severity'],
    sinceMillis: Number.isFinite(sinceMillis) ? sinceMillis : atMillis,
    description: description.slice(0, MAX_DESCRIPTION),
  };
}

/**
 * Problems as one gauge, meshtrail.problems: a point per problem while it lasts (each health
 * check), its value when it began (seconds since the epoch), labelled service, component, type,
 * severity and description. No point, no problem. The "problems" category: opt-out possible.
 */
export function problemMetrics(
  identity: RelayIdentity,
  problems: RelayedProblem[],
  atMillis: number,
): ExportMetricsServiceRequest | undefined {
  if (problems.length === 0) return undefined;
  return relayRequest(identity, [
    gaugeMetric(
      'meshtrail.problems',
      'Problems the services report (failed retention runs, stalled consumers, SIEM backlogs, dead-letter bursts): when each began, in seconds since the epoch',
      problems.map((problem) => ({
        value: Math.floor(problem.sinceMillis / 1000),
        attributes: {
          service: problem.service,
          component: problem.component,
          type: problem.type,
          severity: problem.severity,
          description: problem.description,
        },
      })),
      atMillis,
    ),
  ]);
}
