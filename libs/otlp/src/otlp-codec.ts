import type { Type } from 'protobufjs';
import type { AnyValue, ExportMetricsServiceRequest, KeyValue, Metric } from './otlp-types';
import { telemetryRoot } from './schema';

const requestType: Type = telemetryRoot.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);
const responseType: Type = telemetryRoot.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
);

/** OTLP protobuf bytes (as on telemetry.otlp.v1 and in POST /v1/metrics) to plain objects. Throws on malformed input. */
export function decodeMetricsRequest(bytes: Uint8Array): ExportMetricsServiceRequest {
  const message = requestType.decode(bytes);
  return requestType.toObject(message, {
    longs: String,
    enums: Number,
    arrays: true,
    defaults: false,
    oneofs: false,
  }) as ExportMetricsServiceRequest;
}

export function encodeMetricsRequest(request: ExportMetricsServiceRequest): Uint8Array {
  return requestType.encode(request as never).finish();
}

/** The partial-success part of an OTLP/HTTP response, when the receiver rejected some points. */
export function decodeMetricsResponse(bytes: Uint8Array): { rejectedDataPoints: number; errorMessage: string } {
  const response = responseType.toObject(responseType.decode(bytes), { longs: Number, defaults: true }) as {
    partialSuccess?: { rejectedDataPoints: number; errorMessage: string };
  };
  return response.partialSuccess ?? { rejectedDataPoints: 0, errorMessage: '' };
}

/** A string form of an attribute value (for labels); nested values become JSON. */
export function anyValueToString(value: AnyValue | undefined): string {
  if (!value) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue).toString('base64');
  if (value.arrayValue) return JSON.stringify(value.arrayValue.values.map(anyValueToString));
  if (value.kvlistValue)
    return JSON.stringify(
      Object.fromEntries(value.kvlistValue.values.map((kv) => [kv.key, anyValueToString(kv.value)])),
    );
  return '';
}

export function stringAttribute(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

/** The number of data points a metric carries (the unit the relay counts and logs). */
export function dataPointCount(metric: Metric): number {
  return (
    (metric.gauge?.dataPoints.length ?? 0) +
    (metric.sum?.dataPoints.length ?? 0) +
    (metric.histogram?.dataPoints.length ?? 0) +
    (metric.exponentialHistogram?.dataPoints.length ?? 0) +
    (metric.summary?.dataPoints.length ?? 0)
  );
}

export function requestDataPointCount(request: ExportMetricsServiceRequest): number {
  let count = 0;
  for (const resource of request.resourceMetrics)
    for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) count += dataPointCount(metric);
  return count;
}

/** Nanoseconds since the epoch (decimal string) to milliseconds. */
export function nanosToMillis(nanos: string | undefined): number {
  if (!nanos) return 0;
  return Number(BigInt(nanos) / 1_000_000n);
}

export function millisToNanos(millis: number): string {
  return (BigInt(Math.trunc(millis)) * 1_000_000n).toString();
}
