import { sdkOtlpBytes } from '../../../test/support/sdk-metrics';
import {
  anyValueToString,
  decodeMetricsRequest,
  decodeRemoteWrite,
  encodeMetricsRequest,
  encodeRemoteWrite,
  nanosToMillis,
  requestDataPointCount,
  type Metric,
} from './index';

/** Real SDK output, serialised by the OpenTelemetry transformer the services use. */
function sdkBytes(): Promise<Uint8Array> {
  return sdkOtlpBytes({ 'service.name': 'meshtrail-test', 'host.name': 'customer-host-01' }, (meter) => {
    meter.createCounter('meshtrail.test.records').add(42, { topic: 'audit.events.v1' });
    const histogram = meter.createHistogram('http.server.request.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 1] },
    });
    histogram.record(0.05, { 'http.route': '/version' });
    histogram.record(0.5, { 'http.route': '/version' });
    histogram.record(3, { 'http.route': '/version' });
    meter
      .createObservableGauge('meshtrail.test.gauge')
      .addCallback((result) => result.observe(7, { workspace: 'acme' }));
  });
}

const byName = (metrics: Metric[], name: string) => metrics.find((m) => m.name === name)!;

describe('OTLP metrics codec', () => {
  it('decodes what the OpenTelemetry SDK serialises as ExportMetricsServiceRequest', async () => {
    const request = decodeMetricsRequest(await sdkBytes());
    expect(request.resourceMetrics).toHaveLength(1);
    const [resource] = request.resourceMetrics;
    const resourceAttributes = Object.fromEntries(
      resource.resource!.attributes.map((kv) => [kv.key, anyValueToString(kv.value)]),
    );
    expect(resourceAttributes['service.name']).toBe('meshtrail-test');
    expect(resourceAttributes['host.name']).toBe('customer-host-01');
    const metrics = resource.scopeMetrics[0].metrics;
    expect(resource.scopeMetrics[0].scope?.name).toBe('meshtrail');

    const counter = byName(metrics, 'meshtrail.test.records');
    expect(counter.sum?.isMonotonic).toBe(true);
    expect(counter.sum?.aggregationTemporality).toBe(2);
    expect(counter.sum?.dataPoints[0].asDouble ?? Number(counter.sum?.dataPoints[0].asInt)).toBe(42);
    expect(counter.sum?.dataPoints[0].attributes).toEqual([
      { key: 'topic', value: { stringValue: 'audit.events.v1' } },
    ]);
    expect(Math.abs(nanosToMillis(counter.sum?.dataPoints[0].timeUnixNano) - Date.now())).toBeLessThan(60_000);

    const histogram = byName(metrics, 'http.server.request.duration');
    const point = histogram.histogram!.dataPoints[0];
    expect(histogram.unit).toBe('s');
    expect(point.count).toBe('3');
    expect(point.sum).toBeCloseTo(3.55);
    expect(point.explicitBounds).toEqual([0.1, 1]);
    expect(point.bucketCounts).toEqual(['1', '1', '1']);
    expect(point.min).toBe(0.05);
    expect(point.max).toBe(3);

    const gauge = byName(metrics, 'meshtrail.test.gauge');
    expect(gauge.gauge?.dataPoints[0].attributes[0]).toEqual({ key: 'workspace', value: { stringValue: 'acme' } });
    expect(requestDataPointCount(request)).toBe(3);
  });

  it('re-encodes to bytes that decode to the same request, 64-bit times intact', async () => {
    const request = decodeMetricsRequest(await sdkBytes());
    const again = decodeMetricsRequest(encodeMetricsRequest(request));
    expect(again).toEqual(request);
    const time = request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum?.dataPoints[0].timeUnixNano;
    expect(time).toMatch(/^\d{19}$/);
  });

  it('refuses bytes that are not a protobuf message', () => {
    expect(() => decodeMetricsRequest(Buffer.from('{"not":"protobuf"}'))).toThrow();
  });
});

describe('Prometheus remote-write encoding', () => {
  it('round-trips a WriteRequest through protobuf and snappy', () => {
    const request = {
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'up' },
            { name: 'job', value: 'gateway' },
          ],
          samples: [{ value: 1, timestamp: 1_763_900_000_123 }],
        },
      ],
      metadata: [],
    };
    const body = encodeRemoteWrite(request);
    expect(decodeRemoteWrite(body)).toEqual(request);
  });
});
