import {
  anyValueToString,
  nanosToMillis,
  PROM_METRIC_TYPE,
  type ExportMetricsServiceRequest,
  type KeyValue,
  type PromLabel,
  type PromMetricMetadata,
  type PromTimeSeries,
  type WriteRequest,
} from '@meshtrail/otlp';
import { INSTALLATION_ATTRIBUTE } from '../policy/label-rules';

/** Resource attributes that become target labels on every series (the rest stay out). */
const TARGET_LABELS: Record<string, string> = {
  'service.name': 'job',
  'service.instance.id': 'instance',
  [INSTALLATION_ATTRIBUTE]: 'installation',
  'service.version': 'service_version',
};

/** Prometheus label and metric names: [a-zA-Z_][a-zA-Z0-9_]*, as the OpenTelemetry Prometheus exporter names them. */
export function promName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

function promLabelName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/** Go's strconv.FormatFloat(v, 'g') is what Prometheus uses for "le"; JS's shortest form matches it for bounds. */
function formatBound(bound: number): string {
  if (bound === Infinity) return '+Inf';
  return String(bound);
}

export interface ConversionStats {
  samples: number;
  /** Points Prometheus cannot represent (delta sums and histograms, exponential histograms). */
  unsupported: number;
}

/**
 * OTLP metrics to a remote-write request, the way Prometheus' own OTLP translation and the
 * OpenTelemetry Prometheus exporter name things: dots become underscores, monotonic sums get
 * "_total", histograms become _bucket (cumulative, with "le"), _sum and _count. Samples of one
 * series are merged and ordered by time, as remote-write requires.
 */
export function toWriteRequest(request: ExportMetricsServiceRequest): { write: WriteRequest; stats: ConversionStats } {
  const series = new Map<string, PromTimeSeries>();
  const metadata = new Map<string, PromMetricMetadata>();
  const stats: ConversionStats = { samples: 0, unsupported: 0 };

  const add = (
    name: string,
    target: PromLabel[],
    attributes: KeyValue[],
    extra: PromLabel[],
    value: number,
    time: number,
  ) => {
    const labels = new Map<string, string>();
    labels.set('__name__', name);
    for (const label of target) labels.set(label.name, label.value);
    for (const kv of attributes) {
      const labelName = promLabelName(kv.key);
      if (!labels.has(labelName)) labels.set(labelName, anyValueToString(kv.value));
    }
    for (const label of extra) labels.set(label.name, label.value);
    const sorted = [...labels.entries()]
      .filter(([, v]) => v !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([labelName, labelValue]) => ({ name: labelName, value: labelValue }));
    const key = sorted.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
    let entry = series.get(key);
    if (!entry) {
      entry = { labels: sorted, samples: [] };
      series.set(key, entry);
    }
    entry.samples.push({ value, timestamp: time });
    stats.samples++;
  };

  for (const resourceMetrics of request.resourceMetrics) {
    const target: PromLabel[] = [];
    for (const kv of resourceMetrics.resource?.attributes ?? []) {
      const labelName = TARGET_LABELS[kv.key];
      if (labelName) target.push({ name: labelName, value: anyValueToString(kv.value) });
    }
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const base = promName(metric.name);
        const describe = (family: string, type: number) =>
          metadata.set(family, {
            type,
            metricFamilyName: family,
            help: metric.description ?? '',
            unit: metric.unit ?? '',
          });
        if (metric.gauge) {
          describe(base, PROM_METRIC_TYPE.GAUGE);
          for (const p of metric.gauge.dataPoints)
            add(base, target, p.attributes, [], Number(p.asDouble ?? p.asInt ?? 0), nanosToMillis(p.timeUnixNano));
        } else if (metric.sum) {
          if (metric.sum.aggregationTemporality === 1) {
            stats.unsupported += metric.sum.dataPoints.length;
            continue;
          }
          const monotonic = metric.sum.isMonotonic === true;
          const name = monotonic && !base.endsWith('_total') ? `${base}_total` : base;
          describe(name, monotonic ? PROM_METRIC_TYPE.COUNTER : PROM_METRIC_TYPE.GAUGE);
          for (const p of metric.sum.dataPoints)
            add(name, target, p.attributes, [], Number(p.asDouble ?? p.asInt ?? 0), nanosToMillis(p.timeUnixNano));
        } else if (metric.histogram) {
          if (metric.histogram.aggregationTemporality === 1) {
            stats.unsupported += metric.histogram.dataPoints.length;
            continue;
          }
          describe(base, PROM_METRIC_TYPE.HISTOGRAM);
          for (const p of metric.histogram.dataPoints) {
            const time = nanosToMillis(p.timeUnixNano);
            let cumulative = 0;
            p.explicitBounds.forEach((bound, i) => {
              cumulative += Number(p.bucketCounts[i] ?? 0);
              add(
                `${base}_bucket`,
                target,
                p.attributes,
                [{ name: 'le', value: formatBound(bound) }],
                cumulative,
                time,
              );
            });
            const count = Number(p.count ?? 0);
            add(`${base}_bucket`, target, p.attributes, [{ name: 'le', value: '+Inf' }], count, time);
            add(`${base}_count`, target, p.attributes, [], count, time);
            if (p.sum !== undefined) add(`${base}_sum`, target, p.attributes, [], p.sum, time);
          }
        } else if (metric.summary) {
          describe(base, PROM_METRIC_TYPE.SUMMARY);
          for (const p of metric.summary.dataPoints) {
            const time = nanosToMillis(p.timeUnixNano);
            for (const q of p.quantileValues)
              add(
                base,
                target,
                p.attributes,
                [{ name: 'quantile', value: String(q.quantile ?? 0) }],
                q.value ?? 0,
                time,
              );
            add(`${base}_count`, target, p.attributes, [], Number(p.count ?? 0), time);
            add(`${base}_sum`, target, p.attributes, [], p.sum ?? 0, time);
          }
        } else if (metric.exponentialHistogram) {
          stats.unsupported += metric.exponentialHistogram.dataPoints.length;
        }
      }
    }
  }

  const timeseries = [...series.values()];
  for (const s of timeseries) {
    s.samples.sort((a, b) => a.timestamp - b.timestamp);
    // one sample per timestamp: a later duplicate (a re-sent point) replaces nothing
    s.samples = s.samples.filter((sample, i) => i === 0 || sample.timestamp !== s.samples[i - 1].timestamp);
  }
  return { write: { timeseries, metadata: [...metadata.values()] }, stats };
}
