import { randomUUID } from 'node:crypto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { OtlpPushReader } from './otlp-push.reader';
import { startRuntimeMetrics } from './runtime-metrics';

export interface TelemetryHandle {
  /** Serves the metrics in Prometheus text format (mounted on /metrics by the service). */
  prometheus: PrometheusExporter;
  /** Pushes the same metrics as OTLP protobuf once the service attaches its Kafka sink. */
  otlp: OtlpPushReader;
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  /** File systems whose usage is reported besides the root (a service's data directory). */
  diskPaths?: string[];
}

let current: TelemetryHandle | undefined;

/**
 * Starts the OpenTelemetry SDK. Call it from the service's instrument.ts, which main.ts imports
 * first, so instrumentation is in place before Nest, kafkajs and pg are loaded.
 */
export function startTelemetry(
  serviceName: string,
  serviceVersion: string,
  options: TelemetryOptions = {},
): TelemetryHandle {
  if (current) return current;
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const otlp = new OtlpPushReader();
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      [ATTR_SERVICE_VERSION]: serviceVersion,
      // a random id per process: tells replicas apart without naming the host
      'service.instance.id': randomUUID(),
    }),
    metricReaders: [prometheus, otlp],
    // Traces are not exported yet; metrics are what the operations center receives.
    traceExporter: undefined,
    instrumentations: [],
  });
  sdk.start();
  const stopRuntimeMetrics = startRuntimeMetrics(['/', ...(options.diskPaths ?? [])]);
  current = {
    prometheus,
    otlp,
    shutdown: async () => {
      stopRuntimeMetrics();
      await sdk.shutdown();
    },
  };
  return current;
}

export function currentTelemetry(): TelemetryHandle | undefined {
  return current;
}
