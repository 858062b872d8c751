import { anyValueToString, decodeMetricsRequest, type ExportMetricsServiceRequest, type Metric } from '@meshtrail/otlp';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';
import { TopicReader } from '../support/topic-reader';

function metricsOf(request: ExportMetricsServiceRequest): Metric[] {
  return request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
}

function attributesOf(metric: Metric): Array<Record<string, string>> {
  const points = [
    ...(metric.gauge?.dataPoints ?? []),
    ...(metric.sum?.dataPoints ?? []),
    ...(metric.histogram?.dataPoints ?? []),
  ];
  return points.map((p) => Object.fromEntries(p.attributes.map((kv) => [kv.key, anyValueToString(kv.value)])));
}

describe('every service pushes its metrics to telemetry.otlp.v1 and serves them on /metrics', () => {
  let stack: TestStack;
  let gateway: ServiceProcess;
  let reader: TopicReader;

  beforeAll(async () => {
    stack = await createTestStack('svctelemetry');
    reader = await TopicReader.start(stack.topic('telemetry.otlp.v1'), stack.brokers);
    gateway = await ServiceProcess.start('gateway', { ...stack.env, TELEMETRY_EXPORT_INTERVAL_MS: '1000' });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await reader?.stop();
    await stack?.teardown();
  });

  it('sends OTLP protobuf with host, process, event-loop, HTTP-by-route and database pool metrics from the instrumentations', async () => {
    expect((await fetch(`${gateway.url}/version`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/no/such/route/12345`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/actuator/health`)).status).toBe(200);

    const wanted = [
      'system.cpu.time',
      'system.memory.usage',
      'process.cpu.time',
      'process.memory.usage',
      'system.filesystem.usage',
      'nodejs.eventloop.delay.p99',
      'v8js.memory.heap.used',
      'http.server.request.duration',
      'db.client.connection.count',
      'db.client.operation.duration',
    ];
    const request = await waitFor(
      'an OTLP record from the gateway with every expected metric',
      () => {
        let seen = `${reader.records.length} records`;
        for (const record of [...reader.records].reverse()) {
          const decoded = decodeMetricsRequest(record.value!);
          const names = new Set(metricsOf(decoded).map((m) => m.name));
          const http = metricsOf(decoded).find((m) => m.name === 'http.server.request.duration');
          const points = http ? attributesOf(http) : [];
          const routes = new Set(points.map((a) => a['http.route']));
          const unmatched = points.some((a) => a['http.response.status_code'] === '404' && !('http.route' in a));
          if (wanted.every((name) => names.has(name)) && routes.has('/version') && unmatched)
            return { decoded, key: record.key?.toString() };
          seen += `; missing ${wanted.filter((name) => !names.has(name)).join(',')}; routes ${[...routes].join(',')}`;
        }
        throw new Error(seen.slice(0, 600));
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(request.key).toBe('gateway');
    const resource = Object.fromEntries(
      request.decoded.resourceMetrics[0].resource!.attributes.map((kv) => [kv.key, anyValueToString(kv.value)]),
    );
    expect(resource['service.name']).toBe('meshtrail-gateway');
    expect(resource['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);

    const http = metricsOf(request.decoded).find((m) => m.name === 'http.server.request.duration')!;
    const versionPoint = attributesOf(http).find((a) => a['http.route'] === '/version');
    expect(versionPoint).toEqual({
      'http.route': '/version',
      'http.request.method': 'GET',
      'http.response.status_code': '200',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
    });
    // the raw path of the unmatched request never becomes a label value, and probes are not timed
    expect(JSON.stringify(attributesOf(http))).not.toContain('12345');
    expect(JSON.stringify(attributesOf(http))).not.toContain('actuator');
    const pool = metricsOf(request.decoded).find((m) => m.name === 'db.client.connection.count')!;
    expect(
      attributesOf(pool)
        .map((a) => a['db.client.connection.state'])
        .sort(),
    ).toEqual(['idle', 'used']);
  });

  it('serves the same metrics in Prometheus text format on /metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/http_server_request_duration_count\{[^}]*http_route="\/version"/);
    expect(text).toContain('system_cpu_time');
    expect(text).toContain('nodejs_eventloop_delay_p99');
  });
});
