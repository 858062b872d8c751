import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { daysWithinLogBounds, logBoundsRule, type LogKind } from '@meshtrail/retention';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface LokiRetention {
  compactor: { retention_enabled: boolean };
  limits_config: {
    retention_period: string;
    retention_stream: Array<{ selector: string; priority: number; period: string }>;
  };
}

/** A Loki duration in whole days ("2208h", "92d"); NaN for anything finer or malformed. */
function days(period: string): number {
  const match = /^(\d+)(h|d)$/.exec(period);
  if (!match) return NaN;
  const hours = Number(match[1]) * (match[2] === 'd' ? 24 : 1);
  return hours % 24 === 0 ? hours / 24 : NaN;
}

/**
 * The shipped Loki configuration keeps each kind of log within the bounds libs/retention sets
 * for it (the same module whose bounds the retention service enforces), and its selectors name
 * the streams the shipped Fluent Bit configuration produces.
 */
describe('deploy/observability/loki-retention.yaml', () => {
  const loki = parse(read('deploy/observability/loki-retention.yaml')) as LokiRetention;
  const streams = loki.limits_config.retention_stream;
  const periodOf = (selector: RegExp) => streams.find((stream) => selector.test(stream.selector))?.period;

  it('turns retention on in the compactor', () => {
    expect(loki.compactor.retention_enabled).toBe(true);
  });

  it.each<[LogKind, () => string | undefined]>([
    ['componentLogs', () => loki.limits_config.retention_period],
    ['accessLines', () => periodOf(/log_type="access"/)],
    ['keycloakLogs', () => periodOf(/job="keycloak"/)],
  ])('keeps %s within their bounds', (kind, period) => {
    const given = period();
    expect(given).toBeDefined();
    expect({ kind, days: days(given!), within: daysWithinLogBounds(kind, days(given!)) }).toEqual({
      kind,
      days: days(given!),
      within: true,
    });
  });

  it('would refuse periods outside the bounds (the check can fail)', () => {
    expect(daysWithinLogBounds('componentLogs', 30)).toBe(false);
    expect(daysWithinLogBounds('componentLogs', 169)).toBe(false);
    expect(daysWithinLogBounds('keycloakLogs', 365)).toBe(false);
    expect(daysWithinLogBounds('accessLines', days('4320h'))).toBe(false);
    expect(logBoundsRule('componentLogs')).toBe('component logs must be kept from 31 to 168 days');
  });

  it('selects streams the shipped Fluent Bit configuration labels (job=meshtrail, log_type)', () => {
    const fluentBit = read('deploy/observability/fluent-bit.yaml');
    const labels = /labels: (.*)/.exec(fluentBit.split('- name: loki')[1])![1];
    expect(labels).toContain('job=meshtrail');
    expect(labels).toContain('log_type=$log_type');
    expect(fluentBit).toContain('add: log_type access');
  });
});
