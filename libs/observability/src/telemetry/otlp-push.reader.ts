import { context, metrics } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { AppLogger } from '../logging/app-logger';
import { withTimeout } from '../with-timeout';

/** Where the serialised OTLP ExportMetricsServiceRequest goes (the service's Kafka producer). */
export type OtlpSink = (payload: Uint8Array) => Promise<void>;

const meter = metrics.getMeter('meshtrail');
const exportFailures = meter.createCounter('meshtrail.telemetry.export.failures', {
  description: 'OTLP metric exports to telemetry.otlp.v1 that failed',
});

/**
 * A metric reader that pushes everything the service's SDK holds, serialised as OTLP protobuf
 * ExportMetricsServiceRequest (the bytes the OpenTelemetry Collector's Kafka receiver reads with
 * encoding otlp_proto), to a sink at a fixed interval. The SDK starts before the configuration
 * is read, so the sink and interval are attached later, once the service knows its producer.
 */
export class OtlpPushReader extends MetricReader {
  private readonly logger = new AppLogger('TelemetryExport');
  private sink?: OtlpSink;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  /** Starts pushing every intervalMs. Idempotent: a second call only replaces the sink. */
  attach(sink: OtlpSink, intervalMs: number): void {
    this.sink = sink;
    if (this.timer) return;
    this.timer = setInterval(() => void this.push(), intervalMs);
    this.timer.unref();
  }

  /** One final push (bounded in time), then detaches: call before the producer closes. */
  async detach(timeoutMs = 5000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.sink) await withTimeout(this.push(), timeoutMs, 'final telemetry export').catch(() => undefined);
    this.sink = undefined;
  }

  /** Collects and sends once; overlapping calls share the push in flight. */
  push(): Promise<void> {
    this.inFlight ??= this.pushOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async pushOnce(): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    try {
      const { resourceMetrics } = await this.collect();
      if (resourceMetrics.scopeMetrics.length === 0) return;
      const payload = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
      // the service's own telemetry is not traced: a trace per push would be noise
      if (payload) await context.with(suppressTracing(context.active()), () => sink(payload));
    } catch (error) {
      exportFailures.add(1);
      this.logger.warn('Telemetry Export Failed', { error: (error as Error).message });
    }
  }

  protected override async onForceFlush(): Promise<void> {
    await this.push();
  }

  protected override async onShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
