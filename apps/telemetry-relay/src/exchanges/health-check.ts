import type { CompositeHealth } from '@meshtrail/observability';
import type { ExportMetricsServiceRequest } from '@meshtrail/otlp';
import { gaugeMetric, relayRequest, type GaugePoint, type RelayIdentity } from './exchange-metrics';

export interface HealthTarget {
  name: string;
  baseUrl: string;
}

/** What one service said (or that it said nothing). */
export interface ServiceObservation {
  service: string;
  health?: {
    status: string;
    components: Record<string, { status: string; details?: Record<string, unknown> }>;
  };
  version?: { package?: string; git?: string };
  error?: string;
}

export function parseHealthTargets(entries: string[]): HealthTarget[] {
  return entries.map((entry) => {
    const [name, ...rest] = entry.split('=');
    return { name, baseUrl: rest.join('=').replace(/\/+$/, '') };
  });
}

type FetchJson = (url: string) => Promise<{ status: number; body: unknown }>;

/** Asks one service for /actuator/health (any status: 503 carries the DOWN details) and /version. */
export async function observeService(target: HealthTarget, fetchJson: FetchJson): Promise<ServiceObservation> {
  try {
    const health = await fetchJson(`${target.baseUrl}/actuator/health`);
    const version = await fetchJson(`${target.baseUrl}/version`).catch(() => undefined);
    return {
      service: target.name,
      health: health.body as ServiceObservation['health'],
      version: version && version.status === 200 ? (version.body as ServiceObservation['version']) : undefined,
    };
  } catch (error) {
    return { service: target.name, error: (error as Error).message };
  }
}

const up = (status: string | undefined) => (status === 'UP' ? 1 : 0);

/**
 * The health exchange as metrics: meshtrail.health.status (1 up, 0 down or unreachable) per
 * service and component, and meshtrail.health.info (1) carrying each service's version and
 * commit. The relay's own broker and database status is reported as service "telemetry-relay".
 */
export function healthMetrics(
  identity: RelayIdentity,
  observations: ServiceObservation[],
  own: CompositeHealth,
  atMillis: number,
): ExportMetricsServiceRequest {
  const status: GaugePoint[] = [];
  const info: GaugePoint[] = [];
  const all: ServiceObservation[] = [
    ...observations,
    { service: 'telemetry-relay', health: own, version: { package: identity.serviceVersion } },
  ];
  for (const observation of all) {
    const service = observation.service;
    status.push({ value: up(observation.health?.status), attributes: { service, component: 'overall' } });
    for (const [component, health] of Object.entries(observation.health?.components ?? {}))
      status.push({ value: up(health?.status), attributes: { service, component } });
    if (observation.version)
      info.push({
        value: 1,
        attributes: {
          service,
          version: String(observation.version.package ?? 'unknown'),
          commit: String(observation.version.git ?? 'unknown'),
        },
      });
  }
  return relayRequest(identity, [
    gaugeMetric(
      'meshtrail.health.status',
      'Service and dependency status: 1 up, 0 down or unreachable',
      status,
      atMillis,
    ),
    gaugeMetric('meshtrail.health.info', 'Running version and commit of each service', info, atMillis),
  ]);
}

export function heartbeatMetrics(identity: RelayIdentity, startedAtMillis: number, atMillis: number) {
  return relayRequest(identity, [
    gaugeMetric('meshtrail.heartbeat', 'The installation is alive (1)', [{ value: 1, attributes: {} }], atMillis),
    gaugeMetric(
      'meshtrail.heartbeat.uptime',
      'Seconds since the relay started',
      [{ value: Math.round((atMillis - startedAtMillis) / 1000), attributes: {} }],
      atMillis,
    ),
  ]);
}
