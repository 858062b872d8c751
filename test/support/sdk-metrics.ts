import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { Meter } from '@opentelemetry/api';

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/**
 * Real OpenTelemetry SDK output: records what `record` does on a meter named "meshtrail" under
 * the given resource, collects once, and serialises it with the transformer the services use.
 */
export async function sdkOtlpBytes(
  resource: Record<string, string | string[]>,
  record: (meter: Meter) => void,
): Promise<Buffer> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes(resource), readers: [reader] });
  record(provider.getMeter('meshtrail'));
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  const bytes = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
  if (!bytes) throw new Error('the serializer produced nothing');
  return Buffer.from(bytes);
}
