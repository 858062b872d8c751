import {
  anyValueToString,
  dataPointCount,
  type ExportMetricsServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
  type Metric,
  type NumberDataPoint,
  type ResourceMetrics,
} from '@meshtrail/otlp';
import { categoryOf, type Category } from './categories';
import { INSTALLATION_ATTRIBUTE } from './label-rules';
import { scrubAttributes, type RemovalReason, type ScrubRules } from './scrubber';

export interface RelayPolicy {
  /** Categories that leave the installation (mandatory ones always included). */
  enabled: ReadonlySet<Category>;
  pointRules: ScrubRules;
  resourceRules: ScrubRules;
  installationId: string;
}

export interface PolicyStats {
  /** Data points kept, per category. */
  kept: Partial<Record<Category, number>>;
  /** Data points not sent because their category is switched off. */
  optedOut: number;
  /** Data points of metrics no category rule names (or with malformed names). */
  unmapped: number;
  /** Points that became identical once labels were removed, summed into one. */
  merged: number;
  labelsRemoved: Partial<Record<RemovalReason, number>>;
  labelsHashed: number;
}

export interface PolicyResult {
  byCategory: Map<Category, ExportMetricsServiceRequest>;
  stats: PolicyStats;
}

const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;

/**
 * Decides what of one OTLP request may leave: metrics are sorted into categories (unknown ones
 * stay home), switched-off categories are dropped, and every resource and data-point attribute
 * goes through the scrubber. Exemplars (trace ids and raw attributes) and metric metadata never
 * leave. Pure: the same input and policy always give the same output.
 */
export function applyPolicy(request: ExportMetricsServiceRequest, policy: RelayPolicy): PolicyResult {
  const stats: PolicyStats = { kept: {}, optedOut: 0, unmapped: 0, merged: 0, labelsRemoved: {}, labelsHashed: 0 };
  const count = (outcome: { removed: Partial<Record<RemovalReason, number>>; hashed: number }) => {
    for (const [reason, n] of Object.entries(outcome.removed) as Array<[RemovalReason, number]>)
      stats.labelsRemoved[reason] = (stats.labelsRemoved[reason] ?? 0) + n;
    stats.labelsHashed += outcome.hashed;
  };
  const scrub = (attributes: readonly KeyValue[]) => {
    const outcome = scrubAttributes(attributes, policy.pointRules);
    count(outcome);
    return outcome.attributes;
  };

  const byCategory = new Map<Category, ExportMetricsServiceRequest>();
  for (const resourceMetrics of request.resourceMetrics) {
    const resourceOutcome = scrubAttributes(resourceMetrics.resource?.attributes ?? [], policy.resourceRules);
    count(resourceOutcome);
    const resource = {
      attributes: [
        ...resourceOutcome.attributes.filter((kv) => kv.key !== INSTALLATION_ATTRIBUTE),
        { key: INSTALLATION_ATTRIBUTE, value: { stringValue: policy.installationId } },
      ],
    };
    const perCategory = new Map<Category, ResourceMetrics>();
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      const scope = { name: scopeMetrics.scope?.name ?? '', version: scopeMetrics.scope?.version ?? '' };
      for (const metric of scopeMetrics.metrics) {
        const category = METRIC_NAME.test(metric.name ?? '') ? categoryOf(metric.name) : undefined;
        const points = dataPointCount(metric);
        if (!category) {
          stats.unmapped += points;
          continue;
        }
        if (!policy.enabled.has(category)) {
          stats.optedOut += points;
          continue;
        }
        const cleaned = scrubMetric(metric, scrub, stats);
        if (!cleaned) continue;
        stats.kept[category] = (stats.kept[category] ?? 0) + dataPointCount(cleaned);
        let target = perCategory.get(category);
        if (!target) {
          target = { resource, scopeMetrics: [] };
          perCategory.set(category, target);
        }
        let targetScope = target.scopeMetrics.find(
          (s) => s.scope?.name === scope.name && s.scope?.version === scope.version,
        );
        if (!targetScope) {
          targetScope = { scope, metrics: [] };
          target.scopeMetrics.push(targetScope);
        }
        targetScope.metrics.push(cleaned);
      }
    }
    for (const [category, resourceOut] of perCategory) {
      const out = byCategory.get(category) ?? { resourceMetrics: [] };
      out.resourceMetrics.push(resourceOut);
      byCategory.set(category, out);
    }
  }
  return { byCategory, stats };
}

type Scrub = (attributes: readonly KeyValue[]) => KeyValue[];

function scrubMetric(metric: Metric, scrub: Scrub, stats: PolicyStats): Metric | undefined {
  const base = { name: metric.name, description: metric.description ?? '', unit: metric.unit ?? '' };
  const numbers = (points: NumberDataPoint[]) =>
    mergeNumberPoints(
      points.map((p) => ({
        attributes: scrub(p.attributes ?? []),
        startTimeUnixNano: p.startTimeUnixNano,
        timeUnixNano: p.timeUnixNano,
        ...(p.asInt !== undefined ? { asInt: p.asInt } : { asDouble: p.asDouble ?? 0 }),
      })),
      stats,
    );
  if (metric.gauge) return { ...base, gauge: { dataPoints: numbers(metric.gauge.dataPoints) } };
  if (metric.sum)
    return {
      ...base,
      sum: {
        dataPoints: numbers(metric.sum.dataPoints),
        aggregationTemporality: metric.sum.aggregationTemporality,
        isMonotonic: metric.sum.isMonotonic ?? false,
      },
    };
  if (metric.histogram)
    return {
      ...base,
      histogram: {
        aggregationTemporality: metric.histogram.aggregationTemporality,
        dataPoints: mergeHistogramPoints(
          metric.histogram.dataPoints.map((p) => ({
            attributes: scrub(p.attributes ?? []),
            startTimeUnixNano: p.startTimeUnixNano,
            timeUnixNano: p.timeUnixNano,
            count: p.count ?? '0',
            ...(p.sum !== undefined ? { sum: p.sum } : {}),
            ...(p.min !== undefined ? { min: p.min } : {}),
            ...(p.max !== undefined ? { max: p.max } : {}),
            bucketCounts: [...(p.bucketCounts ?? [])],
            explicitBounds: [...(p.explicitBounds ?? [])],
          })),
          stats,
        ),
      },
    };
  if (metric.summary)
    return {
      ...base,
      summary: {
        dataPoints: metric.summary.dataPoints.map((p) => ({
          attributes: scrub(p.attributes ?? []),
          startTimeUnixNano: p.startTimeUnixNano,
          timeUnixNano: p.timeUnixNano,
          count: p.count ?? '0',
          sum: p.sum ?? 0,
          quantileValues: (p.quantileValues ?? []).map((q) => ({ quantile: q.quantile ?? 0, value: q.value ?? 0 })),
        })),
      },
    };
  if (metric.exponentialHistogram)
    return {
      ...base,
      exponentialHistogram: {
        aggregationTemporality: metric.exponentialHistogram.aggregationTemporality,
        dataPoints: metric.exponentialHistogram.dataPoints.map((p) => ({
          ...p,
          attributes: scrub(p.attributes ?? []),
          exemplars: [],
        })),
      },
    };
  return undefined;
}

function seriesKey(attributes: readonly KeyValue[], time: string | undefined): string {
  const pairs = attributes.map((kv) => `${kv.key}\u0000${anyValueToString(kv.value)}`).sort();
  return `${time ?? ''}\u0001${pairs.join('\u0001')}`;
}

/** Points that removed labels made identical are summed: dropping a label aggregates it away. */
function mergeNumberPoints(points: NumberDataPoint[], stats: PolicyStats): NumberDataPoint[] {
  const byKey = new Map<string, NumberDataPoint>();
  for (const point of points) {
    const key = seriesKey(point.attributes, point.timeUnixNano);
    const existing = byKey.get(key);
    if (!existing) {
      byKey.set(key, point);
      continue;
    }
    stats.merged++;
    if (existing.asInt !== undefined && point.asInt !== undefined)
      existing.asInt = (BigInt(existing.asInt) + BigInt(point.asInt)).toString();
    else {
      const total = Number(existing.asDouble ?? existing.asInt ?? 0) + Number(point.asDouble ?? point.asInt ?? 0);
      delete existing.asInt;
      existing.asDouble = total;
    }
  }
  return [...byKey.values()];
}

function mergeHistogramPoints(points: HistogramDataPoint[], stats: PolicyStats): HistogramDataPoint[] {
  const byKey = new Map<string, HistogramDataPoint>();
  for (const point of points) {
    const key = `${seriesKey(point.attributes, point.timeUnixNano)}\u0002${point.explicitBounds.join(',')}`;
    const existing = byKey.get(key);
    if (!existing) {
      byKey.set(key, point);
      continue;
    }
    stats.merged++;
    existing.count = (BigInt(existing.count ?? '0') + BigInt(point.count ?? '0')).toString();
    if (existing.sum !== undefined || point.sum !== undefined) existing.sum = (existing.sum ?? 0) + (point.sum ?? 0);
    if (point.min !== undefined)
      existing.min = existing.min === undefined ? point.min : Math.min(existing.min, point.min);
    if (point.max !== undefined)
      existing.max = existing.max === undefined ? point.max : Math.max(existing.max, point.max);
    existing.bucketCounts = existing.bucketCounts.map((n, i) =>
      (BigInt(n) + BigInt(point.bucketCounts[i] ?? '0')).toString(),
    );
  }
  return [...byKey.values()];
}
