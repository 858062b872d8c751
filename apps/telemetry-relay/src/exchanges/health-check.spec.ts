import { anyValueToString } from '@meshtrail/otlp';
import { healthMetrics, heartbeatMetrics, observeService, parseHealthTargets } from './health-check';

const identity = { serviceName: 'meshtrail-telemetry-relay', serviceVersion: '0.1.0', instanceId: 'i-1' };

function pointsOf(request: ReturnType<typeof heartbeatMetrics>, name: string) {
  const metric = request.resourceMetrics[0].scopeMetrics[0].metrics.find((m) => m.name === name)!;
  return metric.gauge!.dataPoints.map((p) => ({
    value: p.asDouble,
    ...Object.fromEntries(p.attributes.map((kv) => [kv.key, anyValueToString(kv.value)])),
  }));
}

describe('health exchange', () => {
  it('parses name=url targets', () => {
    expect(parseHealthTargets(['gateway=http://127.0.0.1:8080/', 'audit-ingest=http://h:1/x=y'])).toEqual([
      { name: 'gateway', baseUrl: 'http://127.0.0.1:8080' },
      { name: 'audit-ingest', baseUrl: 'http://h:1/x=y' },
    ]);
  });

  it('reports each service and component as 1/0, versions as info, and unreachable services as down', async () => {
    const fetchJson = async (url: string) => {
      if (url.startsWith('http://down')) throw new Error('connect ECONNREFUSED');
      if (url.endsWith('/version')) return { status: 200, body: { package: '0.1.0', git: 'abc123' } };
      return { status: 503, body: { status: 'DOWN', components: { db: { status: 'UP' }, kafka: { status: 'DOWN' } } } };
    };
    const observations = await Promise.all(
      parseHealthTargets(['gateway=http://gw:8080', 'retention=http://down:8084']).map((t) =>
        observeService(t, fetchJson),
      ),
    );
    const at = Date.UTC(2026, 0, 1);
    const request = healthMetrics(identity, observations, { status: 'UP', components: { db: { status: 'UP' } } }, at);
    expect(pointsOf(request, 'meshtrail.health.status')).toEqual([
      { value: 0, service: 'gateway', component: 'overall' },
      { value: 1, service: 'gateway', component: 'db' },
      { value: 0, service: 'gateway', component: 'kafka' },
      { value: 0, service: 'retention', component: 'overall' },
      { value: 1, service: 'telemetry-relay', component: 'overall' },
      { value: 1, service: 'telemetry-relay', component: 'db' },
    ]);
    expect(pointsOf(request, 'meshtrail.health.info')).toEqual([
      { value: 1, service: 'gateway', version: '0.1.0', commit: 'abc123' },
      { value: 1, service: 'telemetry-relay', version: '0.1.0', commit: 'unknown' },
    ]);
    const time = request.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints[0].timeUnixNano;
    expect(time).toBe(`${at}000000`);
  });

  it('builds a heartbeat stamped with the given clock', () => {
    const request = heartbeatMetrics(identity, 1_000, 61_000);
    expect(pointsOf(request, 'meshtrail.heartbeat')).toEqual([{ value: 1 }]);
    expect(pointsOf(request, 'meshtrail.heartbeat.uptime')).toEqual([{ value: 60 }]);
  });
});
