import { millisToNanos, stringAttribute, type ExportMetricsServiceRequest, type Metric } from '@meshtrail/otlp';

/** Who produced the relay's own exchanges (health, heartbeat): the relay itself. */
export interface RelayIdentity {
  serviceName: string;
  serviceVersion: string;
  instanceId: string;
}

export interface GaugePoint {
  value: number;
  attributes: Record<string, string>;
}

export function gaugeMetric(name: string, description: string, points: GaugePoint[], atMillis: number): Metric {
  return {
    name,
    description,
    unit: '1',
    gauge: {
      dataPoints: points.map((p) => ({
        attributes: Object.entries(p.attributes).map(([key, value]) => stringAttribute(key, value)),
        timeUnixNano: millisToNanos(atMillis),
        asDouble: p.value,
      })),
    },
  };
}

export function relayRequest(identity: RelayIdentity, metrics: Metric[]): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            stringAttribute('service.name', identity.serviceName),
            stringAttribute('service.version', identity.serviceVersion),
            stringAttribute('service.instance.id', identity.instanceId),
          ],
        },
        scopeMetrics: [{ scope: { name: 'meshtrail.telemetry-relay', version: identity.serviceVersion }, metrics }],
      },
    ],
  };
}
