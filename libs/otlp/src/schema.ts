import { Root } from 'protobufjs';

/*
 * The wire schemas meshtrail speaks for telemetry, written out as protobufjs descriptors (field
 * numbers as published by the OpenTelemetry and Prometheus projects):
 *  - OTLP metrics v1: ExportMetricsServiceRequest (opentelemetry.proto.collector.metrics.v1), the
 *    payload of OTLP/HTTP POST /v1/metrics and of the Collector's Kafka receiver (otlp_proto).
 *  - Prometheus remote-write 1.0: WriteRequest (prometheus.WriteRequest), snappy-compressed.
 * Unknown fields are skipped by the decoder, so newer senders still decode.
 */

type Fields = Record<string, { type: string; id: number; rule?: 'repeated' }>;

const repeated = (type: string, id: number) => ({ type, id, rule: 'repeated' as const });
/** proto3 `optional`: a synthetic oneof gives the field presence. */
const optional = (...names: string[]) => Object.fromEntries(names.map((name) => [`_${name}`, { oneof: [name] }]));

const common = {
  AnyValue: {
    oneofs: {
      value: {
        oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'],
      },
    },
    fields: {
      stringValue: { type: 'string', id: 1 },
      boolValue: { type: 'bool', id: 2 },
      intValue: { type: 'int64', id: 3 },
      doubleValue: { type: 'double', id: 4 },
      arrayValue: { type: 'ArrayValue', id: 5 },
      kvlistValue: { type: 'KeyValueList', id: 6 },
      bytesValue: { type: 'bytes', id: 7 },
    } satisfies Fields,
  },
  ArrayValue: { fields: { values: repeated('AnyValue', 1) } },
  KeyValueList: { fields: { values: repeated('KeyValue', 1) } },
  KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
  InstrumentationScope: {
    fields: {
      name: { type: 'string', id: 1 },
      version: { type: 'string', id: 2 },
      attributes: repeated('KeyValue', 3),
      droppedAttributesCount: { type: 'uint32', id: 4 },
    } satisfies Fields,
  },
};

const KV = 'opentelemetry.proto.common.v1.KeyValue';

const metrics = {
  MetricsData: { fields: { resourceMetrics: repeated('ResourceMetrics', 1) } },
  ResourceMetrics: {
    fields: {
      resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
      scopeMetrics: repeated('ScopeMetrics', 2),
      schemaUrl: { type: 'string', id: 3 },
    } satisfies Fields,
  },
  ScopeMetrics: {
    fields: {
      scope: { type: 'opentelemetry.proto.common.v1.InstrumentationScope', id: 1 },
      metrics: repeated('Metric', 2),
      schemaUrl: { type: 'string', id: 3 },
    } satisfies Fields,
  },
  Metric: {
    oneofs: { data: { oneof: ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] } },
    fields: {
      name: { type: 'string', id: 1 },
      description: { type: 'string', id: 2 },
      unit: { type: 'string', id: 3 },
      gauge: { type: 'Gauge', id: 5 },
      sum: { type: 'Sum', id: 7 },
      histogram: { type: 'Histogram', id: 9 },
      exponentialHistogram: { type: 'ExponentialHistogram', id: 10 },
      summary: { type: 'Summary', id: 11 },
      metadata: repeated(KV, 12),
    } satisfies Fields,
  },
  Gauge: { fields: { dataPoints: repeated('NumberDataPoint', 1) } },
  Sum: {
    fields: {
      dataPoints: repeated('NumberDataPoint', 1),
      aggregationTemporality: { type: 'AggregationTemporality', id: 2 },
      isMonotonic: { type: 'bool', id: 3 },
    } satisfies Fields,
  },
  Histogram: {
    fields: {
      dataPoints: repeated('HistogramDataPoint', 1),
      aggregationTemporality: { type: 'AggregationTemporality', id: 2 },
    } satisfies Fields,
  },
  ExponentialHistogram: {
    fields: {
      dataPoints: repeated('ExponentialHistogramDataPoint', 1),
      aggregationTemporality: { type: 'AggregationTemporality', id: 2 },
    } satisfies Fields,
  },
  Summary: { fields: { dataPoints: repeated('SummaryDataPoint', 1) } },
  AggregationTemporality: {
    values: {
      AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
      AGGREGATION_TEMPORALITY_DELTA: 1,
      AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
    },
  },
  NumberDataPoint: {
    oneofs: { value: { oneof: ['asDouble', 'asInt'] } },
    fields: {
      attributes: repeated(KV, 7),
      startTimeUnixNano: { type: 'fixed64', id: 2 },
      timeUnixNano: { type: 'fixed64', id: 3 },
      asDouble: { type: 'double', id: 4 },
      asInt: { type: 'sfixed64', id: 6 },
      exemplars: repeated('Exemplar', 5),
      flags: { type: 'uint32', id: 8 },
    } satisfies Fields,
  },
  HistogramDataPoint: {
    oneofs: optional('sum', 'min', 'max'),
    fields: {
      attributes: repeated(KV, 9),
      startTimeUnixNano: { type: 'fixed64', id: 2 },
      timeUnixNano: { type: 'fixed64', id: 3 },
      count: { type: 'fixed64', id: 4 },
      sum: { type: 'double', id: 5 },
      bucketCounts: repeated('fixed64', 6),
      explicitBounds: repeated('double', 7),
      exemplars: repeated('Exemplar', 8),
      flags: { type: 'uint32', id: 10 },
      min: { type: 'double', id: 11 },
      max: { type: 'double', id: 12 },
    } satisfies Fields,
  },
  ExponentialHistogramDataPoint: {
    oneofs: optional('sum', 'min', 'max'),
    fields: {
      attributes: repeated(KV, 1),
      startTimeUnixNano: { type: 'fixed64', id: 2 },
      timeUnixNano: { type: 'fixed64', id: 3 },
      count: { type: 'fixed64', id: 4 },
      sum: { type: 'double', id: 5 },
      scale: { type: 'sint32', id: 6 },
      zeroCount: { type: 'fixed64', id: 7 },
      positive: { type: 'Buckets', id: 8 },
      negative: { type: 'Buckets', id: 9 },
      flags: { type: 'uint32', id: 10 },
      exemplars: repeated('Exemplar', 11),
      min: { type: 'double', id: 12 },
      max: { type: 'double', id: 13 },
      zeroThreshold: { type: 'double', id: 14 },
    } satisfies Fields,
    nested: {
      Buckets: { fields: { offset: { type: 'sint32', id: 1 }, bucketCounts: repeated('uint64', 2) } },
    },
  },
  SummaryDataPoint: {
    fields: {
      attributes: repeated(KV, 7),
      startTimeUnixNano: { type: 'fixed64', id: 2 },
      timeUnixNano: { type: 'fixed64', id: 3 },
      count: { type: 'fixed64', id: 4 },
      sum: { type: 'double', id: 5 },
      quantileValues: repeated('ValueAtQuantile', 6),
      flags: { type: 'uint32', id: 8 },
    } satisfies Fields,
    nested: {
      ValueAtQuantile: { fields: { quantile: { type: 'double', id: 1 }, value: { type: 'double', id: 2 } } },
    },
  },
  Exemplar: {
    oneofs: { value: { oneof: ['asDouble', 'asInt'] } },
    fields: {
      filteredAttributes: repeated(KV, 7),
      timeUnixNano: { type: 'fixed64', id: 2 },
      asDouble: { type: 'double', id: 3 },
      asInt: { type: 'sfixed64', id: 6 },
      spanId: { type: 'bytes', id: 4 },
      traceId: { type: 'bytes', id: 5 },
    } satisfies Fields,
  },
};

const collector = {
  ExportMetricsServiceRequest: {
    fields: { resourceMetrics: repeated('opentelemetry.proto.metrics.v1.ResourceMetrics', 1) },
  },
  ExportMetricsServiceResponse: { fields: { partialSuccess: { type: 'ExportMetricsPartialSuccess', id: 1 } } },
  ExportMetricsPartialSuccess: {
    fields: { rejectedDataPoints: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
  },
};

const prometheus = {
  WriteRequest: { fields: { timeseries: repeated('TimeSeries', 1), metadata: repeated('MetricMetadata', 3) } },
  TimeSeries: { fields: { labels: repeated('Label', 1), samples: repeated('Sample', 2) } },
  Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
  Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
  MetricMetadata: {
    fields: {
      type: { type: 'MetricType', id: 1 },
      metricFamilyName: { type: 'string', id: 2 },
      help: { type: 'string', id: 4 },
      unit: { type: 'string', id: 5 },
    } satisfies Fields,
    nested: {
      MetricType: {
        values: { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, HISTOGRAM: 3, GAUGEHISTOGRAM: 4, SUMMARY: 5, INFO: 6, STATESET: 7 },
      },
    },
  },
};

export const telemetryRoot = Root.fromJSON({
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: { nested: { v1: { nested: common } } },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: {
                      fields: { attributes: repeated(KV, 1), droppedAttributesCount: { type: 'uint32', id: 2 } },
                    },
                  },
                },
              },
            },
            metrics: { nested: { v1: { nested: metrics } } },
            collector: { nested: { metrics: { nested: { v1: { nested: collector } } } } },
          },
        },
      },
    },
    prometheus: { nested: prometheus },
  },
});
telemetryRoot.resolveAll();
