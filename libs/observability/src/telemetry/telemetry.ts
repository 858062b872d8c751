import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryHandle {
  /** Serves the metrics in Prometheus text format (mounted on /metrics by the service). */
  prometheus: PrometheusExporter;
  shutdown(): Promise<void>;
}

let current: TelemetryHandle | undefined;

/**
 * Starts the OpenTelemetry SDK. Call it from the service's instrument.ts, which main.ts imports
 * first, so instrumentation is in place before Nest, kafkajs and pg are loaded.
 */
export function startTelemetry(serviceName: string, serviceVersion: string): TelemetryHandle {
  if (current) return current;
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: serviceVersion }),
    metricReader: prometheus,
    // Traces are not exported yet; metrics are what the operations center receives.
    traceExporter: undefined,
    instrumentations: [],
  });
  sdk.start();
  current = { prometheus, shutdown: () => sdk.shutdown() };
  return current;
}

export function currentTelemetry(): TelemetryHandle | undefined {
  return current;
}
