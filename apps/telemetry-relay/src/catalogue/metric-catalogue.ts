import { createHash } from 'node:crypto';
import { categoryOf, MANDATORY_CATEGORIES, type Category } from '../policy/categories';
import { SAFE_POINT_LABELS, DEFAULT_DENY_LABELS } from '../policy/label-rules';
import { buildScrubRules, isDenied } from '../policy/scrubber';
import { METRIC_DEFINITIONS, STAYING_HOME, type InstrumentType, type MetricDefinition } from './metric-definitions';

export interface LeavingMetric {
  name: string;
  type: InstrumentType;
  unit: string;
  category: Category;
  /** mandatory: always sent; opt-out: TELEMETRY_DISABLED_CATEGORIES can keep it home. */
  transmission: 'mandatory' | 'opt-out';
  /** The labels the operations center receives (with the default scrub rules, drop mode). */
  labels: string[];
  /** Labels the metric carries at home that never leave. */
  removedLabels: string[];
}

export interface StayingMetric {
  name: string;
  type: InstrumentType;
  reason: string;
}

export interface MetricCatalogue {
  /** Changes whenever anything below changes: the center can tell which catalogue an installation runs. */
  version: string;
  /** Added to every series: which installation, service, version and instance sent it. */
  resourceLabels: string[];
  leaving: LeavingMetric[];
  stayingHome: StayingMetric[];
}

const RESOURCE_LABELS = ['meshtrail.installation.id', 'service.name', 'service.version', 'service.instance.id'];

export function stayingHomeReason(name: string): string | undefined {
  return STAYING_HOME.find((rule) => (rule.match.endsWith('.') ? name.startsWith(rule.match) : name === rule.match))
    ?.reason;
}

/** Where a metric name stands: leaving in a category, staying home for a reason, or unaccounted for. */
export function accountFor(name: string): { category: Category } | { reason: string } | undefined {
  const category = categoryOf(name);
  if (category) return { category };
  const reason = stayingHomeReason(name);
  return reason ? { reason } : undefined;
}

/**
 * The catalogue: every metric that can leave (name, type, unit, category, mandatory or opt-out,
 * the labels that survive scrubbing) and every one that stays home with its reason, computed
 * from METRIC_DEFINITIONS and the relay's own rules, so it cannot say other than the relay does.
 */
export function buildCatalogue(definitions: readonly MetricDefinition[] = METRIC_DEFINITIONS): MetricCatalogue {
  const rules = buildScrubRules({ allow: SAFE_POINT_LABELS, deny: DEFAULT_DENY_LABELS, mode: 'drop' });
  const leaving: LeavingMetric[] = [];
  const stayingHome: StayingMetric[] = [];
  for (const definition of [...definitions].sort((a, b) => a.name.localeCompare(b.name))) {
    const category = categoryOf(definition.name);
    if (!category) {
      stayingHome.push({
        name: definition.name,
        type: definition.type,
        reason: stayingHomeReason(definition.name) ?? 'UNACCOUNTED FOR: no category rule and no reason',
      });
      continue;
    }
    const kept = definition.labels.filter((label) => rules.allow.has(label) && !isDenied(label, rules));
    leaving.push({
      name: definition.name,
      type: definition.type,
      unit: definition.unit,
      category,
      transmission: MANDATORY_CATEGORIES.includes(category) ? 'mandatory' : 'opt-out',
      labels: kept,
      removedLabels: definition.labels.filter((label) => !kept.includes(label)),
    });
  }
  const body = { resourceLabels: RESOURCE_LABELS, leaving, stayingHome };
  const version = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12);
  return { version, ...body };
}
