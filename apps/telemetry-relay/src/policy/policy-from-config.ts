import { installationIdOf, type TelemetryRelayEnv } from '../telemetry-relay.env';
import { CATEGORIES, METRIC_CATEGORY_RULES, type Category } from './categories';
import { SAFE_POINT_LABELS, SAFE_RESOURCE_ATTRIBUTES } from './label-rules';
import type { RelayPolicy } from './relay-policy';
import { buildScrubRules } from './scrubber';

type PolicyConfig = Pick<
  TelemetryRelayEnv,
  | 'TELEMETRY_DISABLED_CATEGORIES'
  | 'TELEMETRY_USAGE_ENABLED'
  | 'TELEMETRY_SCRUB_MODE'
  | 'TELEMETRY_HMAC_KEY'
  | 'TELEMETRY_DENY_LABELS'
  | 'TELEMETRY_ALLOW_LABELS'
  | 'TELEMETRY_INSTALLATION_ID'
  | 'TELEMETRY_OAUTH_CLIENT_ID'
>;

export function policyFromConfig(config: PolicyConfig): RelayPolicy {
  const disabled = new Set(config.TELEMETRY_DISABLED_CATEGORIES);
  if (!config.TELEMETRY_USAGE_ENABLED) disabled.add('usage');
  const enabled = new Set<Category>(CATEGORIES.filter((category) => !disabled.has(category)));
  return {
    enabled,
    pointRules: buildScrubRules({
      allow: [...SAFE_POINT_LABELS, ...config.TELEMETRY_ALLOW_LABELS],
      deny: config.TELEMETRY_DENY_LABELS,
      mode: config.TELEMETRY_SCRUB_MODE,
      hmacKey: config.TELEMETRY_HMAC_KEY,
    }),
    // resource attributes are never pseudonymised: the installation id already says who sent it
    resourceRules: buildScrubRules({
      allow: SAFE_RESOURCE_ATTRIBUTES,
      deny: config.TELEMETRY_DENY_LABELS,
      mode: 'drop',
    }),
    installationId: installationIdOf(config),
  };
}

/** The effective policy as log fields (printed at start; no secrets: the HMAC key is never shown). */
export function describePolicy(
  policy: RelayPolicy,
  config: PolicyConfig & Pick<TelemetryRelayEnv, 'TELEMETRY_PROTOCOL' | 'TELEMETRY_ENDPOINT'>,
) {
  return {
    installation: policy.installationId,
    destination: config.TELEMETRY_ENDPOINT
      ? { protocol: config.TELEMETRY_PROTOCOL, endpoint: new URL(config.TELEMETRY_ENDPOINT).origin }
      : 'none (TELEMETRY_ENDPOINT unset: nothing leaves this installation)',
    categories: Object.fromEntries(CATEGORIES.map((c) => [c, policy.enabled.has(c) ? 'on' : 'off'])),
    scrubMode: config.TELEMETRY_SCRUB_MODE,
    denyLabels: config.TELEMETRY_DENY_LABELS,
    allowLabels: [...policy.pointRules.allow].sort(),
    resourceAttributes: [...policy.resourceRules.allow].sort(),
    metricCategories: METRIC_CATEGORY_RULES.map((rule) => `${rule.match}* → ${rule.category}`),
  };
}
