import { randomUUID } from 'node:crypto';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { HostMetrics } from '@opentelemetry/host-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { startFilesystemMetrics } from './filesystem-metrics';
import { meshtrailInstrumentations } from './instrumentations';
import { OtlpPushReader } from './otlp-push.reader';

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
 * Whether spans are exported: when an OTLP endpoint is configured, or an exporter is named
 * outright (OTEL_TRACES_EXPORTER, e.g. `console` or `none`). Otherwise no tracer provider is
 * registered at all, so the instrumentations' spans are no-ops and cost next to nothing.
 */
export function tracesExported(env: NodeJS.ProcessEnv): boolean {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  return set('OTEL_EXPORTER_OTLP_ENDPOINT') || set('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') || set('OTEL_TRACES_EXPORTER');
}

/**
 * Starts the OpenTelemetry SDK. Call it from the service's instrument.ts, which main.ts imports
 * first, so the instrumentations are in place before Nest, express, kafkajs and pg are loaded.
 * The SDK reads the standard OTEL_* variables for the trace exporter, sampler and propagators.
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
    // undefined: the SDK builds the exporter from OTEL_* (OTLP over HTTP/protobuf unless told otherwise)
    spanProcessors: tracesExported(process.env) ? undefined : [],
    // logs are JSON lines on stdout, collected from there
    logRecordProcessors: [],
    instrumentations: meshtrailInstrumentations(),
  });
  sdk.start();
  new HostMetrics({ meterProvider: metrics.getMeterProvider(), name: 'meshtrail-host' }).start();
  startFilesystemMetrics(['/', ...(options.diskPaths ?? [])]);
  current = { prometheus, otlp, shutdown: () => sdk.shutdown() };
  return current;
}

export function currentTelemetry(): TelemetryHandle | undefined {
  return current;
}
