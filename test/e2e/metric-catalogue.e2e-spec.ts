import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKafkaClient } from '@meshtrail/kafka';
import { anyValueToString, decodeMetricsRequest, type Metric } from '@meshtrail/otlp';
import { accountFor, buildCatalogue } from '../../apps/telemetry-relay/src/catalogue/metric-catalogue';
import type { InstrumentType } from '../../apps/telemetry-relay/src/catalogue/metric-definitions';
import { METRIC_DEFINITIONS } from '../../apps/telemetry-relay/src/catalogue/metric-definitions';
import { promName } from '../../apps/telemetry-relay/src/delivery/prometheus-conversion';
import { auditEvent } from '../support/audit-fixtures';
import { waitFor } from '../support/poll';
import { PrometheusServer } from '../support/prometheus';
import { relayToTestCenter } from '../support/relay-env';
import { ServiceProcess, type ServiceName } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';
import { TopicReader } from '../support/topic-reader';

const SERVICES: ServiceName[] = ['gateway', 'audit-ingest', 'access-log', 'retention'];
/** Labels the conversion adds to every series (from resource attributes) and histograms' bucket bound. */
const SERIES_LABELS = new Set(['__name__', 'job', 'instance', 'installation', 'service_version', 'le']);

function instrumentOf(metric: Metric): InstrumentType | 'other' {
  if (metric.gauge) return 'gauge';
  if (metric.histogram) return 'histogram';
  if (metric.sum) return metric.sum.isMonotonic ? 'counter' : 'updowncounter';
  return 'other';
}

interface Emitted {
  service: string;
  name: string;
  type: string;
  unit: string;
  labels: Set<string>;
}

/** What the services pushed to telemetry.otlp.v1, before the relay's policy: name, type, unit, label names. */
/** Decoded once each, as they arrive: the topic grows by a record per service per second. */
const emitted = new Map<string, Emitted>();
const pushingServices = new Set<string>();
let decodedRecords = 0;
function emittedMetrics(reader: TopicReader): Map<string, Emitted> {
  for (const record of reader.records.slice(decodedRecords)) {
    decodedRecords++;
    const request = decodeMetricsRequest(record.value!);
    for (const resource of request.resourceMetrics) {
      const service = anyValueToString(resource.resource?.attributes.find((kv) => kv.key === 'service.name')?.value);
      pushingServices.add(service);
      for (const metric of resource.scopeMetrics.flatMap((scope) => scope.metrics)) {
        const entry = emitted.get(metric.name) ?? {
          service,
          name: metric.name,
          type: instrumentOf(metric),
          unit: metric.unit ?? '',
          labels: new Set<string>(),
        };
        const points = [
          ...(metric.gauge?.dataPoints ?? []),
          ...(metric.sum?.dataPoints ?? []),
          ...(metric.histogram?.dataPoints ?? []),
        ];
        for (const point of points) for (const kv of point.attributes) entry.labels.add(kv.key);
        emitted.set(metric.name, entry);
      }
    }
  }
  return emitted;
}

/**
 * Every service running, pushing its metrics, and the relay sending what the policy allows to a
 * real Prometheus: what the services emit is all accounted for by the catalogue, and what the
 * operations center received is all in it, with no label it does not list as leaving.
 */
describe('the metric catalogue against the running services and the operations center', () => {
  let stack: TestStack;
  let prometheus: PrometheusServer;
  let reader: TopicReader;
  let queueDir: string;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    stack = await createTestStack('catalogue');
    prometheus = await PrometheusServer.start();
    reader = await TopicReader.start(stack.topic('telemetry.otlp.v1'), stack.brokers);
    queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-relay-queue-'));
    const env = { ...stack.env, TELEMETRY_EXPORT_INTERVAL_MS: '1000' };
    for (const name of SERVICES) services.push(await ServiceProcess.start(name, env));
    services.push(
      await ServiceProcess.start('telemetry-relay', {
        ...env,
        TELEMETRY_INSTALLATION_ID: 'e2e-catalogue',
        ...relayToTestCenter(prometheus.writeUrl, queueDir),
        TELEMETRY_HEALTH_TARGETS: services.map((service) => `${service.name}=${service.url}`).join(','),
      }),
    );
    // work for every service: requests (some refused), audit events (one malformed), access lines
    const gateway = services[0];
    for (const route of ['/version', '/api/v1/events', '/no/such/route']) await fetch(`${gateway.url}${route}`);
    await fetch(`${gateway.url}/api/v1/events`, { headers: { authorization: 'Bearer not-a-token' } });
    const producer = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'catalogue-e2e').producer();
    await producer.connect();
    await producer.send({
      topic: stack.topic('audit.events.v1'),
      messages: [
        { key: 'ws-1', value: JSON.stringify(auditEvent('catalogue-1', 'ws-1', 1)) },
        { key: 'ws-1', value: JSON.stringify(auditEvent('catalogue-1', 'ws-1', 1)) },
        { key: 'ws-1', value: 'not an event' },
      ],
    });
    await producer.disconnect();
  }, 180_000);

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    await reader?.stop();
    await prometheus?.remove();
    await stack?.teardown();
    fs.rmSync(queueDir, { recursive: true, force: true });
  }, 120_000);

  it('serves the catalogue the README shows', async () => {
    const relay = services.find((service) => service.name === 'telemetry-relay')!;
    const response = await fetch(`${relay.url}/telemetry/catalogue`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(buildCatalogue())));
  });

  it('accounts for every metric every service pushes, with its type, unit and labels', async () => {
    const emitted = await waitFor(
      'metrics from every service, including the stored audit events',
      () => {
        const seen = emittedMetrics(reader);
        if (pushingServices.size >= SERVICES.length + 1 && seen.has('meshtrail.audit.events_ingested')) return seen;
        throw new Error(`${reader.records.length} records from ${[...pushingServices].join(', ')}`);
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const defined = new Map(METRIC_DEFINITIONS.map((definition) => [definition.name, definition]));
    const problems: string[] = [];
    for (const metric of emitted.values()) {
      const definition = defined.get(metric.name);
      if (!accountFor(metric.name))
        problems.push(`${metric.service}: ${metric.name} is in no category and not staying home`);
      if (!definition) {
        if (!accountFor(metric.name) || 'category' in accountFor(metric.name)!)
          problems.push(`${metric.service}: ${metric.name} is not in the catalogue`);
        continue;
      }
      if (definition.type !== metric.type)
        problems.push(`${metric.name}: ${metric.type}, catalogued ${definition.type}`);
      if (definition.unit !== metric.unit)
        problems.push(`${metric.name}: unit ${metric.unit}, catalogued ${definition.unit}`);
      for (const label of metric.labels)
        if (!definition.labels.includes(label)) problems.push(`${metric.name}: label ${label} is not catalogued`);
    }
    expect(problems).toEqual([]);
  }, 150_000);

  it('lets the operations center receive only catalogued metrics, with only the labels the catalogue lists', async () => {
    const catalogue = buildCatalogue();
    const leaving = new Map<string, { name: string; labels: Set<string> }>();
    for (const metric of catalogue.leaving) {
      const base = promName(metric.name);
      const labels = new Set(metric.labels.map((label) => label.replace(/[^a-zA-Z0-9_]/g, '_')));
      const names =
        metric.type === 'counter'
          ? [`${base}_total`]
          : metric.type === 'histogram'
            ? [`${base}_bucket`, `${base}_sum`, `${base}_count`]
            : [base];
      for (const name of names) leaving.set(name, { name: metric.name, labels });
    }
    const received = await waitFor(
      'series from every service and the relay at the operations center',
      async () => {
        const series = await prometheus.series('{installation="e2e-catalogue"}');
        const jobs = new Set(series.map((labels) => labels.job));
        return jobs.size >= SERVICES.length + 1 &&
          series.some((labels) => labels.__name__ === 'meshtrail_health_status')
          ? series
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const problems: string[] = [];
    for (const labels of received) {
      const entry = leaving.get(labels.__name__);
      if (!entry) {
        problems.push(`${labels.__name__} (${labels.job}) is not in the catalogue as leaving`);
        continue;
      }
      for (const label of Object.keys(labels))
        if (!SERIES_LABELS.has(label) && !entry.labels.has(label))
          problems.push(`${entry.name}: label ${label} reached the center but is not catalogued as leaving`);
    }
    expect([...new Set(problems)]).toEqual([]);
    // and the comparison had something to compare: each category that was on arrived
    const categories = new Set(
      received
        .map((labels) => leaving.get(labels.__name__))
        .map((entry) => entry && catalogue.leaving.find((m) => m.name === entry.name)?.category),
    );
    expect([...categories].sort()).toEqual(
      expect.arrayContaining(['application', 'health', 'heartbeat', 'host', 'service']),
    );
  }, 150_000);
});
