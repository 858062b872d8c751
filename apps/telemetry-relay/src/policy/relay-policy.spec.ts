import type { ExportMetricsServiceRequest, KeyValue, Metric } from '@meshtrail/otlp';
import { CATEGORIES, categoryOf, type Category } from './categories';
import { DEFAULT_DENY_LABELS, SAFE_POINT_LABELS, SAFE_RESOURCE_ATTRIBUTES } from './label-rules';
import { applyPolicy, type RelayPolicy } from './relay-policy';
import { buildScrubRules } from './scrubber';

const kv = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const T = '1763900000000000000';

function gauge(name: string, points: Array<{ value: number; attributes: KeyValue[] }>): Metric {
  return {
    name,
    gauge: { dataPoints: points.map((p) => ({ attributes: p.attributes, timeUnixNano: T, asDouble: p.value })) },
  };
}

function request(metrics: Metric[]): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            kv('service.name', 'meshtrail-gateway'),
            kv('service.instance.id', '5d1c7c2e-0000-4000-8000-000000000000'),
            kv('host.name', 'acme-prod-db-01.acme.internal'),
            kv('process.command_args', '["node","main.js","--token=s3cret"]'),
            kv('process.owner', 'jane'),
            kv('meshtrail.installation.id', 'spoofed'),
          ],
        },
        scopeMetrics: [{ scope: { name: 'meshtrail' }, metrics }],
      },
    ],
  };
}

function policy(disabled: Category[] = [], mode: 'drop' | 'hmac' = 'drop'): RelayPolicy {
  return {
    enabled: new Set(CATEGORIES.filter((c) => !disabled.includes(c))),
    pointRules: buildScrubRules({ allow: SAFE_POINT_LABELS, deny: DEFAULT_DENY_LABELS, mode, hmacKey: 'k'.repeat(32) }),
    resourceRules: buildScrubRules({ allow: SAFE_RESOURCE_ATTRIBUTES, deny: DEFAULT_DENY_LABELS, mode: 'drop' }),
    installationId: 'inst-42',
  };
}

describe('categoryOf', () => {
  it('sorts metrics into categories by name, and leaves unknown metrics without one', () => {
    expect(categoryOf('system.cpu.time')).toBe('host');
    expect(categoryOf('nodejs.eventloop.delay.p99')).toBe('host');
    expect(categoryOf('http.server.request.duration')).toBe('service');
    expect(categoryOf('meshtrail.kafka.consumer.lag')).toBe('service');
    expect(categoryOf('meshtrail.dead_letters')).toBe('service');
    expect(categoryOf('meshtrail.objects.count')).toBe('application');
    expect(categoryOf('meshtrail.audit.events_ingested')).toBe('application');
    expect(categoryOf('meshtrail.health.status')).toBe('health');
    expect(categoryOf('meshtrail.heartbeat')).toBe('heartbeat');
    expect(categoryOf('meshtrail.heartbeat.uptime')).toBe('heartbeat');
    expect(categoryOf('meshtrail.heartbeats.fake')).toBeUndefined();
    expect(categoryOf('customer.revenue')).toBeUndefined();
  });
});

describe('applyPolicy', () => {
  it('splits by category, scrubs resource and point labels, and stamps the installation', () => {
    const { byCategory, stats } = applyPolicy(
      request([
        gauge('system.memory.usage', [{ value: 1, attributes: [kv('system.memory.state', 'used')] }]),
        gauge('meshtrail.objects.count', [
          { value: 3, attributes: [kv('object_type', 'project'), kv('workspace', 'acme')] },
        ]),
      ]),
      policy(),
    );
    expect([...byCategory.keys()].sort()).toEqual(['application', 'host']);
    const app = byCategory.get('application')!.resourceMetrics[0];
    expect(app.resource!.attributes).toEqual([
      kv('service.name', 'meshtrail-gateway'),
      kv('service.instance.id', '5d1c7c2e-0000-4000-8000-000000000000'),
      kv('meshtrail.installation.id', 'inst-42'),
    ]);
    expect(app.scopeMetrics[0].metrics[0].gauge!.dataPoints[0].attributes).toEqual([kv('object_type', 'project')]);
    const everything = JSON.stringify([...byCategory.values()]);
    expect(everything).not.toMatch(/acme|jane|s3cret|spoofed/);
    expect(stats.kept).toEqual({ host: 1, application: 1 });
    // host.name, command_args and the spoofed installation id are unknown; process.owner and workspace denied
    expect(stats.labelsRemoved).toEqual({ unknown: 3, denied: 2 });
  });

  it('drops opted-out categories entirely and counts them', () => {
    const { byCategory, stats } = applyPolicy(
      request([
        gauge('system.memory.usage', [{ value: 1, attributes: [] }]),
        gauge('meshtrail.heartbeat', [{ value: 1, attributes: [] }]),
      ]),
      policy(['host']),
    );
    expect([...byCategory.keys()]).toEqual(['heartbeat']);
    expect(stats.optedOut).toBe(1);
  });

  it('never sends metrics that no category names, or whose names are malformed', () => {
    const { byCategory, stats } = applyPolicy(
      request([
        gauge('customer.secret.revenue', [{ value: 1, attributes: [] }]),
        gauge('system.cpu\nworkspace=acme', [{ value: 1, attributes: [] }]),
      ]),
      policy(),
    );
    expect(byCategory.size).toBe(0);
    expect(stats.unmapped).toBe(2);
  });

  it('sums points that became identical once customer labels were dropped (counts stay right)', () => {
    const { byCategory, stats } = applyPolicy(
      request([
        gauge('meshtrail.objects.count', [
          { value: 3, attributes: [kv('object_type', 'project'), kv('workspace', 'acme')] },
          { value: 4, attributes: [kv('object_type', 'project'), kv('workspace', 'globex')] },
          { value: 1, attributes: [kv('object_type', 'tenant'), kv('workspace', 'acme')] },
        ]),
      ]),
      policy(),
    );
    const points = byCategory.get('application')!.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints;
    expect(points.map((p) => [p.attributes[0].value?.stringValue, p.asDouble])).toEqual([
      ['project', 7],
      ['tenant', 1],
    ]);
    expect(stats.merged).toBe(1);
  });

  it('keeps customer labels apart as pseudonyms in hmac mode', () => {
    const { byCategory } = applyPolicy(
      request([
        gauge('meshtrail.objects.count', [
          { value: 3, attributes: [kv('object_type', 'project'), kv('workspace', 'acme')] },
          { value: 4, attributes: [kv('object_type', 'project'), kv('workspace', 'globex')] },
        ]),
      ]),
      policy([], 'hmac'),
    );
    const points = byCategory.get('application')!.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints;
    expect(points).toHaveLength(2);
    expect(JSON.stringify(points)).not.toMatch(/acme|globex/);
  });

  it('removes exemplars and merges histogram buckets', () => {
    const { byCategory } = applyPolicy(
      request([
        {
          name: 'http.server.request.duration',
          histogram: {
            aggregationTemporality: 2,
            dataPoints: ['acme', 'globex'].map((ws) => ({
              attributes: [kv('http.route', '/x'), kv('workspace', ws)],
              timeUnixNano: T,
              count: '2',
              sum: 1.5,
              bucketCounts: ['1', '1'],
              explicitBounds: [1],
              exemplars: [{ filteredAttributes: [kv('user.id', 'jane')], traceId: Buffer.from('trace') }],
            })),
          },
        },
      ]),
      policy(),
    );
    const [point] = byCategory.get('service')!.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram!.dataPoints;
    expect(point).toMatchObject({ count: '4', sum: 3, bucketCounts: ['2', '2'] });
    expect(point.exemplars).toBeUndefined();
  });
});
