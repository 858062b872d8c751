import { isProbeOrScrape, queryWithoutValues } from './instrumentations';
import { tracesExported } from './telemetry';

describe('what the HTTP instrumentation leaves out', () => {
  it('ignores probes and scrapes, with or without a query, and nothing else', () => {
    for (const url of ['/metrics', '/actuator', '/actuator/health', '/actuator/health/readiness?x=1'])
      expect({ url, ignored: isProbeOrScrape(url) }).toEqual({ url, ignored: true });
    for (const url of ['/version', '/api/v1/events', '/metricsx', '/actuatorx', '/api/v1/metrics', undefined])
      expect({ url, ignored: isProbeOrScrape(url) }).toEqual({ url, ignored: false });
  });

  it('keeps the names of query parameters, never their values', () => {
    expect(queryWithoutValues('/api/v1/events?q=actor:jane@example.com&limit=5&q=x')).toBe(
      'q=REDACTED&limit=REDACTED&q=REDACTED',
    );
    expect(queryWithoutValues('/api/v1/events')).toBeUndefined();
    expect(queryWithoutValues('/api/v1/events?')).toBe('');
  });
});

describe('whether traces are exported', () => {
  it('only when an OTLP endpoint or an exporter is configured', () => {
    expect(tracesExported({})).toBe(false);
    expect(tracesExported({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBe(false);
    expect(tracesExported({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracesExported({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracesExported({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
  });
});
