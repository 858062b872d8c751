/**
 * OTLP metrics as plain objects (protobufjs JSON names). 64-bit integers travel as decimal
 * strings so nothing loses precision between decoding and re-encoding.
 */
export type Int64 = string;

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
  bytesValue?: Uint8Array;
}

export interface KeyValue {
  key: string;
  value?: AnyValue;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount?: number;
}

export interface InstrumentationScope {
  name?: string;
  version?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

export interface Exemplar {
  filteredAttributes?: KeyValue[];
  timeUnixNano?: Int64;
  asDouble?: number;
  asInt?: Int64;
  spanId?: Uint8Array;
  traceId?: Uint8Array;
}

interface PointBase {
  attributes: KeyValue[];
  startTimeUnixNano?: Int64;
  timeUnixNano?: Int64;
  flags?: number;
}

export interface NumberDataPoint extends PointBase {
  asDouble?: number;
  asInt?: Int64;
  exemplars?: Exemplar[];
}

export interface HistogramDataPoint extends PointBase {
  count?: Int64;
  sum?: number;
  bucketCounts: Int64[];
  explicitBounds: number[];
  exemplars?: Exemplar[];
  min?: number;
  max?: number;
}

export interface ExponentialHistogramDataPoint extends PointBase {
  count?: Int64;
  sum?: number;
  scale?: number;
  zeroCount?: Int64;
  positive?: { offset?: number; bucketCounts: Int64[] };
  negative?: { offset?: number; bucketCounts: Int64[] };
  exemplars?: Exemplar[];
  min?: number;
  max?: number;
  zeroThreshold?: number;
}

export interface SummaryDataPoint extends PointBase {
  count?: Int64;
  sum?: number;
  quantileValues: Array<{ quantile?: number; value?: number }>;
}

export enum AggregationTemporality {
  UNSPECIFIED = 0,
  DELTA = 1,
  CUMULATIVE = 2,
}

export interface Metric {
  name: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints: NumberDataPoint[] };
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality?: AggregationTemporality; isMonotonic?: boolean };
  histogram?: { dataPoints: HistogramDataPoint[]; aggregationTemporality?: AggregationTemporality };
  exponentialHistogram?: {
    dataPoints: ExponentialHistogramDataPoint[];
    aggregationTemporality?: AggregationTemporality;
  };
  summary?: { dataPoints: SummaryDataPoint[] };
  metadata?: KeyValue[];
}

export interface ScopeMetrics {
  scope?: InstrumentationScope;
  metrics: Metric[];
  schemaUrl?: string;
}

export interface ResourceMetrics {
  resource?: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl?: string;
}

export interface ExportMetricsServiceRequest {
  resourceMetrics: ResourceMetrics[];
}
