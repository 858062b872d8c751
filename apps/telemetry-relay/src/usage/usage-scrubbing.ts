import type { UsageEvent } from '@meshtrail/contracts';
import { scrubAttributes, type ScrubRules } from '../policy/scrubber';

/** Path words of meshtrail's API and pages; any other concrete segment may name a customer. */
export const SAFE_PATH_WORDS: readonly string[] = [
  'api',
  'v1',
  'events',
  'event-log',
  'access-logs',
  'audit',
  'workspaces',
  'projects',
  'tenants',
  'platforms',
  'users',
  'landing-zones',
  'building-blocks',
  'search',
  'export',
  'settings',
  'admin',
  'docs',
  'version',
  'actuator',
  'health',
];

/**
 * Keeps the route template and nothing concrete: placeholders (":workspace") and known path words
 * pass, every other segment becomes ":redacted"; query strings and fragments are cut.
 */
export function scrubPage(page: string, safeWords: ReadonlySet<string>): string {
  const path = page.split(/[?#]/)[0];
  const segments = path
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => (/^:[A-Za-z_]{1,32}$/.test(segment) || safeWords.has(segment) ? segment : ':redacted'));
  return `/${segments.join('/')}`;
}

export interface PlausibleEvent {
  name: string;
  url: string;
  domain: string;
  props?: Record<string, string | number | boolean>;
}

/** The Plausible events-API body for a usage event, scrubbed (props through the same label rules). */
export function toPlausibleEvent(
  event: UsageEvent,
  domain: string,
  propRules: ScrubRules,
  safeWords: ReadonlySet<string>,
): PlausibleEvent {
  const props = Object.entries(event.props ?? {}).map(([key, value]) => ({
    key,
    value: { stringValue: String(value) },
  }));
  const kept = scrubAttributes(props, propRules).attributes;
  const body: PlausibleEvent = {
    name: event.name,
    url: `https://${domain}${scrubPage(event.page, safeWords)}`,
    domain,
  };
  if (kept.length > 0) body.props = Object.fromEntries(kept.map((kv) => [kv.key, kv.value?.stringValue ?? '']));
  return body;
}
