import type { ExportMetricsServiceRequest, KeyValue } from '@meshtrail/otlp';
import { promName, toWriteRequest } from './prometheus-conversion';

const kv = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const at = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

const resource = {
  attributes: [
    kv('service.name', 'meshtrail-gateway'),
    kv('service.instance.id', 'i-1'),
    kv('meshtrail.installation.id', 'inst-42'),
  ],
};

function labelsOf(series: { labels: Array<{ name: string; value: string }> }): Record<string, string> {
  return Object.fromEntries(series.labels.map((l) => [l.name, l.value]));
}

describe('toWriteRequest', () => {
  it('names counters with _total and gauges as they are, with target labels from the resource', () => {
    const request: ExportMetricsServiceRequest = {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'meshtrail.kafka.consumer.records',
                  sum: {
                    isMonotonic: true,
                    aggregationTemporality: 2,
                    dataPoints: [{ attributes: [kv('topic', 'a.v1')], timeUnixNano: at(1000), asInt: '42' }],
                  },
                },
                {
                  name: 'system.memory.usage',
                  gauge: {
                    dataPoints: [
                      { attributes: [kv('system.memory.state', 'used')], timeUnixNano: at(1000), asDouble: 5.5 },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const { write, stats } = toWriteRequest(request);
    expect(stats).toEqual({ samples: 2, unsupported: 0 });
    expect(write.timeseries.map(labelsOf)).toEqual([
      {
        __name__: 'meshtrail_kafka_consumer_records_total',
        installation: 'inst-42',
        instance: 'i-1',
        job: 'meshtrail-gateway',
        topic: 'a.v1',
      },
      {
        __name__: 'system_memory_usage',
        installation: 'inst-42',
        instance: 'i-1',
        job: 'meshtrail-gateway',
        system_memory_state: 'used',
      },
    ]);
    expect(write.timeseries[0].samples).toEqual([{ value: 42, timestamp: 1000 }]);
    expect(write.timeseries[0].labels.map((l) => l.name)).toEqual(
      [...write.timeseries[0].labels.map((l) => l.name)].sort(),
    );
  });

  it('turns a histogram into cumulative _bucket series with le, plus _sum and _count', () => {
    const { write } = toWriteRequest({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'http.server.request.duration',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        attributes: [kv('http.route', '/version')],
                        timeUnixNano: at(2000),
                        count: '6',
                        sum: 4.5,
                        bucketCounts: ['1', '2', '3'],
                        explicitBounds: [0.1, 1],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const values = Object.fromEntries(
      write.timeseries.map((s) => {
        const labels = labelsOf(s);
        return [`${labels.__name__}${labels.le ? `{le=${labels.le}}` : ''}`, s.samples[0].value];
      }),
    );
    expect(values).toEqual({
      'http_server_request_duration_bucket{le=0.1}': 1,
      'http_server_request_duration_bucket{le=1}': 3,
      'http_server_request_duration_bucket{le=+Inf}': 6,
      http_server_request_duration_count: 6,
      http_server_request_duration_sum: 4.5,
    });
  });

  it('merges one series across requests, in time order, once per timestamp; skips delta and exponential points', () => {
    const point = (ms: number, value: number) => ({ attributes: [], timeUnixNano: at(ms), asDouble: value });
    const { write, stats } = toWriteRequest({
      resourceMetrics: [3000, 1000, 2000, 1000].map((ms, i) => ({
        resource,
        scopeMetrics: [
          {
            metrics: [
              { name: 'meshtrail.heartbeat', gauge: { dataPoints: [point(ms, i)] } },
              {
                name: 'x.delta',
                sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point(ms, 1)] },
              },
            ],
          },
        ],
      })),
    });
    expect(write.timeseries).toHaveLength(1);
    expect(write.timeseries[0].samples.map((s) => s.timestamp)).toEqual([1000, 2000, 3000]);
    expect(stats.unsupported).toBe(4);
  });
});

describe('promName', () => {
  it('replaces characters Prometheus does not allow', () => {
    expect(promName('http.server.request.duration')).toBe('http_server_request_duration');
    expect(promName('9lives')).toBe('_9lives');
    expect(promName('a-b/c')).toBe('a_b_c');
  });
});
