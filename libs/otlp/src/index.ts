export * from './otlp-types';
export {
  decodeMetricsRequest,
  encodeMetricsRequest,
  decodeMetricsResponse,
  anyValueToString,
  stringAttribute,
  dataPointCount,
  requestDataPointCount,
  nanosToMillis,
  millisToNanos,
} from './otlp-codec';
export {
  encodeRemoteWrite,
  decodeRemoteWrite,
  REMOTE_WRITE_HEADERS,
  PROM_METRIC_TYPE,
  type PromLabel,
  type PromSample,
  type PromTimeSeries,
  type PromMetricMetadata,
  type WriteRequest,
} from './remote-write';
