import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Producer } from 'kafkajs';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { TOPICS } from '@meshtrail/contracts';
import { createKafkaClient } from '@meshtrail/kafka';
import { auditEvent } from '../support/audit-fixtures';
import { artifactsDir } from '../support/browser';
import {
  labelRules,
  loadFluentBitConfig,
  lokiLabels,
  runFilters,
  type FluentBitConfig,
  type LogRecord,
} from '../support/fluent-bit-config';
import { codeSpans, readmeTable } from '../docs/readme-table';
import { waitFor } from '../support/poll';
import { PrometheusServer } from '../support/prometheus';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

const ROOT = path.resolve(__dirname, '../..');
const OBSERVABILITY = path.join(ROOT, 'deploy/observability');
const ARTIFACTS = artifactsDir('observability');
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: Array<{ name: string; type: string; query: unknown; datasource?: { uid: string } }> };
  panels: Array<{
    id: number;
    title: string;
    type: string;
    datasource: { type: string; uid: string };
    gridPos: { x: number; y: number; w: number; h: number };
    targets: Array<{ refId: string; expr: string; datasource: { uid: string } }>;
  }>;
}

/** Each Deployment of the kustomize base: its pod template labels and container name, as Kubernetes would show them. */
function podsOfTheBase(): Map<string, { deployment: string; container: string; labels: Record<string, string> }> {
  const output = execFileSync('kubectl', ['kustomize', 'deploy/k8s'], { cwd: ROOT, encoding: 'utf8' });
  const pods = new Map<string, { deployment: string; container: string; labels: Record<string, string> }>();
  for (const doc of parseAllDocuments(output)) {
    const m = doc.toJSON() as {
      kind: string;
      metadata: { name: string };
      spec: {
        template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ name: string }> } };
      };
    };
    if (m.kind !== 'Deployment') continue;
    const container = m.spec.template.spec.containers[0].name;
    pods.set(container, { deployment: m.metadata.name, container, labels: m.spec.template.metadata.labels });
  }
  return pods;
}

/** Grafana's variables, given values so Prometheus and promtool can read the expressions. */
function withVariables(expr: string): string {
  const resolved = expr
    .replace(/\$__rate_interval/g, '1m')
    .replace(/\$__interval/g, '1m')
    .replace(/\$service/g, '.*');
  if (resolved.includes('$')) throw new Error(`unknown dashboard variable in ${expr}`);
  return resolved;
}

/**
 * Counters that have no series until what they count happens, which this test cannot provoke
 * reliably (a publish buffer that stays full), with the instrument that serves them: that the
 * code creates the instrument is checked instead.
 */
const COUNTED_ONLY_WHEN_IT_HAPPENS: Record<string, string> = {
  meshtrail_access_log_dropped_total: 'meshtrail.access_log.dropped',
};

/** The OpenTelemetry instrument names the code creates. */
function instrumentNames(): string[] {
  const names: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/(?<!spec)\.ts$/.test(entry.name)) {
        const text = fs.readFileSync(file, 'utf8');
        for (const [, name] of text.matchAll(/\.create[A-Za-z]*\(\s*'([a-z0-9_.]+)'/g)) names.push(name);
      }
    }
  };
  walk(path.join(ROOT, 'apps'));
  walk(path.join(ROOT, 'libs'));
  return names;
}

interface Selector {
  metric: string;
  matchers: Array<{ label: string; op: string; value: string }>;
}

function selectorsOf(expr: string): Selector[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map(([, metric, body]) => ({
    metric,
    matchers: [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map(
      ([, label, op, value]) => ({
        label,
        op,
        value,
      }),
    ),
  }));
}

function groupingLabelsOf(expr: string): string[] {
  return [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap(([, labels]) => labels.split(',').map((l) => l.trim()));
}

interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const ALERT_RULES = path.join(OBSERVABILITY, 'prometheus-alerts.yaml');

function alertRules(): AlertRule[] {
  const file = parse(fs.readFileSync(ALERT_RULES, 'utf8')) as { groups: Array<{ rules: AlertRule[] }> };
  return file.groups.flatMap((group) => group.rules);
}

/** What Prometheus makes of an annotation for these labels and value (the file uses only these two forms). */
function renderAnnotation(template: string, labels: Record<string, string>, value: string): string {
  const out = template
    .replace(/\{\{ \$labels\.([a-zA-Z_]+) \}\}/g, (_, name: string) => {
      if (!(name in labels)) throw new Error(`the annotation names ${name}, which the alert does not keep`);
      return labels[name];
    })
    .replace(/\{\{ \$value \}\}/g, value);
  if (out.includes('{{')) throw new Error(`a template this test cannot render: ${template}`);
  return out;
}

describe('operator files (Fluent Bit, Loki labels, Prometheus scrape and alerts, Grafana dashboard) against running services', () => {
  let stack: TestStack;
  let prometheus: PrometheusServer;
  let producer: Producer;
  let ingestJson: ServiceProcess;
  let ingestText: ServiceProcess;
  let gateway: ServiceProcess;
  let relay: ServiceProcess;
  let retention: ServiceProcess;
  let accessLog: ServiceProcess;
  let targetsFile: string;
  let queueDir: string;
  const fluentBit: FluentBitConfig = loadFluentBitConfig(path.join(OBSERVABILITY, 'fluent-bit.yaml'));
  const dashboard = JSON.parse(
    fs.readFileSync(path.join(OBSERVABILITY, 'grafana-dashboard.json'), 'utf8'),
  ) as Dashboard;
  const pods = podsOfTheBase();
  const loki = fluentBit.outputs.find((o) => o.name === 'loki')!;

  /** What Fluent Bit's tail input (CRI) and kubernetes filter hand to the parser filter for one stdout line. */
  function tailed(service: string, line: string): LogRecord {
    const pod = pods.get(service)!;
    return {
      time: new Date().toISOString(),
      stream: 'stdout',
      _p: 'F',
      log: line,
      kubernetes: {
        namespace_name: 'meshtrail',
        pod_name: `${pod.deployment}-5d8f7c9b4-x2x7q`,
        container_name: pod.container,
        labels: pod.labels,
      },
    };
  }

  /** The JSON log records of the JSON-format services. */
  function capturedJson() {
    return [...ingestJson.logs, ...relay.logs, ...retention.logs, ...accessLog.logs];
  }

  /** Every stdout line of every service run here, with the service it came from. */
  function capturedLines(): Array<{ service: string; format: 'json' | 'text'; line: string }> {
    return [
      ...ingestJson.rawStdout.map((line) => ({ service: 'audit-ingest', format: 'json' as const, line })),
      ...ingestText.rawStdout.map((line) => ({ service: 'audit-ingest', format: 'text' as const, line })),
      ...gateway.rawStdout.map((line) => ({ service: 'gateway', format: 'text' as const, line })),
      ...relay.rawStdout.map((line) => ({ service: 'telemetry-relay', format: 'json' as const, line })),
      ...retention.rawStdout.map((line) => ({ service: 'retention', format: 'json' as const, line })),
      ...accessLog.rawStdout.map((line) => ({ service: 'access-log', format: 'json' as const, line })),
    ];
  }

  async function publishIngestBatch(): Promise<void> {
    const id = randomUUID();
    await producer.send({
      topic: stack.topic(TOPICS.auditEvents),
      acks: -1,
      messages: [
        { key: 'ws-1', value: JSON.stringify(auditEvent(id, 'ws-1', 1, { action: 'created' })) },
        { key: 'ws-1', value: '{"specversion":"1.0","id":"broken"' },
      ],
    });
  }

  beforeAll(async () => {
    stack = await createTestStack('observability');
    queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-obs-queue-'));
    // A real Prometheus with the shipped scrape job; Kubernetes pod discovery (which Debian's
    // Prometheus is built without) is replaced by file discovery carrying the same meta labels.
    prometheus = await PrometheusServer.start((dir) => {
      targetsFile = path.join(dir, 'targets.json');
      fs.writeFileSync(targetsFile, '[]');
      const shipped = parse(fs.readFileSync(path.join(OBSERVABILITY, 'prometheus-scrape.yaml'), 'utf8')) as {
        scrape_configs: Array<Record<string, unknown>>;
      };
      const jobs = shipped.scrape_configs.map(({ kubernetes_sd_configs: _sd, ...job }) => ({
        ...job,
        scrape_interval: '1s',
        file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }],
      }));
      return stringify({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: jobs });
    });
    producer = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'observability-e2e').producer();
    await producer.connect();
    // consumer lag has no series until first measured from the broker (every 10 s by default)
    const common = {
      ...stack.env,
      TELEMETRY_EXPORT_INTERVAL_MS: '1000',
      KAFKA_CONSUMER_LAG_INTERVAL_MS: '1000',
      // the access lines on stdout too, for the Fluent Bit parser that ships them when enabled
      ACCESS_LOG_STDOUT: 'true',
    };

    ingestJson = await ServiceProcess.start('audit-ingest', { ...common, LOG_FORMAT: 'json' });
    await publishIngestBatch();
    await ingestJson.waitForLog('Events Ingested', (l) => (l.count as number) > 0);
    await ingestJson.stop();

    ingestText = ServiceProcess.spawn('audit-ingest', { ...common, LOG_FORMAT: 'text' });
    await waitFor('the text-format audit-ingest to start', () =>
      ingestText.rawStdout.some((l) => / Bootstrap : Service Started port=\d+/.test(l)),
    );
    ingestText.port = Number(/port=(\d+)/.exec(ingestText.rawStdout.find((l) => l.includes('Service Started'))!)![1]);
    await publishIngestBatch();
    await waitFor('a text-format Events Ingested line', () =>
      ingestText.rawStdout.some((l) => / : Events Ingested .*count=1 /.test(l)),
    );

    gateway = ServiceProcess.spawn('gateway', { ...common, LOG_FORMAT: 'text' });
    await waitFor('the text-format gateway to start', () =>
      gateway.rawStdout.some((l) => l.includes('Service Started')),
    );
    gateway.port = Number(/port=(\d+)/.exec(gateway.rawStdout.find((l) => l.includes('Service Started'))!)![1]);
    expect((await fetch(`${gateway.url}/actuator/health`)).status).toBe(200);
    const refused = await fetch(`${gateway.url}/api/v1/events?change=%22landing%20zone%22`, {
      headers: { 'x-api-key': 'mtk_0000_not-a-key', 'user-agent': 'evil "agent" [x]', accept: 'text/csv' },
    });
    expect(refused.status).toBe(401);

    // stores the access-log records every service publishes
    accessLog = await ServiceProcess.start('access-log', { ...common, LOG_FORMAT: 'json' });
    await accessLog.waitForLog('Access Logs Stored', (l) => (l.count as number) > 0, 30_000);

    relay = await ServiceProcess.start('telemetry-relay', {
      ...common,
      LOG_FORMAT: 'json',
      TELEMETRY_PROTOCOL: 'remote-write',
      TELEMETRY_ALLOW_INSECURE: 'true',
      TELEMETRY_ENDPOINT: prometheus.writeUrl,
      TELEMETRY_QUEUE_DIR: queueDir,
      TELEMETRY_HEALTH_TARGETS: `gateway=${gateway.url}`,
      TELEMETRY_HEALTH_INTERVAL_MS: '2000',
      TELEMETRY_HEARTBEAT_INTERVAL_MS: '1000',
    });
    await relay.waitForLog('Telemetry Sent', undefined, 30_000);
    await relay.waitForLog('Health Check Sent');

    // a fresh retention service enforces the slot it finds due at start
    retention = await ServiceProcess.start('retention', { ...common, LOG_FORMAT: 'json' });
    await retention.waitForLog('Retention Enforced', undefined, 60_000);

    const targets = [
      ['gateway', gateway],
      ['audit-ingest', ingestText],
      ['telemetry-relay', relay],
      ['retention', retention],
      ['access-log', accessLog],
    ] as const;
    fs.writeFileSync(
      targetsFile,
      JSON.stringify(
        targets.map(([service, process]) => {
          const pod = pods.get(service)!;
          const meta: Record<string, string> = {
            __meta_kubernetes_namespace: 'meshtrail',
            __meta_kubernetes_pod_name: `${pod.deployment}-5d8f7c9b4-x2x7q`,
            __meta_kubernetes_pod_container_port_name: 'http',
          };
          for (const [label, value] of Object.entries(pod.labels)) {
            meta[`__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`] = value;
          }
          return { targets: [`127.0.0.1:${process.port}`], labels: meta };
        }),
      ),
    );
  });

  afterAll(async () => {
    await producer?.disconnect();
    for (const service of [accessLog, retention, relay, gateway, ingestText, ingestJson]) await service?.stop();
    await prometheus?.remove();
    fs.rmSync(queueDir, { recursive: true, force: true });
    await stack?.teardown();
  });

  describe('Fluent Bit parsers and Loki labels', () => {
    it('parses a JSON line and a text line of a running service with the shipped parsers', () => {
      const jsonLine = ingestJson.rawStdout.find(
        (l) => l.includes('"message":"Events Ingested"') && l.includes('"count":1'),
      )!;
      const textLine = ingestText.rawStdout.find((l) => / : Events Ingested .*count=1 /.test(l))!;
      const json = runFilters(fluentBit, tailed('audit-ingest', jsonLine));
      const text = runFilters(fluentBit, tailed('audit-ingest', textLine));
      fs.writeFileSync(
        path.join(ARTIFACTS, 'parsed-lines.json'),
        `${JSON.stringify({ json: { line: jsonLine, ...json }, text: { line: textLine, ...text } }, null, 2)}\n`,
      );

      expect(json.parsedBy).toBe('meshtrail_json');
      expect(json.record).toMatchObject({
        level: 'INFO',
        service: 'audit-ingest',
        logger: 'AuditEvents',
        message: 'Events Ingested',
        topic: stack.topic(TOPICS.auditEvents),
        count: 1,
        log_type: 'app',
      });
      expect(typeof json.record.durationMs).toBe('number');
      expect(json.record.log).toBeUndefined(); // the raw line is replaced by its fields

      expect(text.parsedBy).toBe('meshtrail_text');
      expect(text.record).toMatchObject({
        level: 'INFO',
        thread: 'main',
        logger: 'AuditEvents',
        pid: ingestText.child.pid,
        log_type: 'app',
      });
      expect(text.record.message).toMatch(/^Events Ingested topic=\S+ partition=\d+ count=1 deadLetters=\d+/);
      expect(text.record.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      const expected = { job: 'meshtrail', service: 'meshtrail-audit-ingest', log_type: 'app', level: 'INFO' };
      expect(lokiLabels(loki, json.record)).toEqual(expected);
      expect(lokiLabels(loki, text.record)).toEqual(expected);
    });

    it('parses every line every service wrote, in either format, and gives each the Loki labels', () => {
      const lines = capturedLines();
      expect(lines.length).toBeGreaterThan(20);
      for (const { service, format, line } of lines) {
        const { record, parsedBy } = runFilters(fluentBit, tailed(service, line));
        if (parsedBy === 'meshtrail_access') continue; // access lines: the test above
        expect({ line, parsedBy }).toEqual({ line, parsedBy: format === 'json' ? 'meshtrail_json' : 'meshtrail_text' });
        const labels = lokiLabels(loki, record);
        expect(labels).toEqual({
          job: 'meshtrail',
          service: `meshtrail-${service}`,
          log_type: 'app',
          level: expect.stringMatching(new RegExp(`^(${LEVELS.join('|')})$`)),
        });
      }
    });

    it("parses the gateway's access lines, escapes and all, into typed fields", () => {
      const line = gateway.rawStdout.find((l) => l.includes('"GET /api/v1/events?change='))!;
      expect(line).toBeDefined();
      const { record, parsedBy } = runFilters(fluentBit, tailed('gateway', line));
      expect(parsedBy).toBe('meshtrail_access');
      expect(record).toMatchObject({
        remote_ip: '127.0.0.1',
        status: 401,
        method: 'GET',
        path: '/api/v1/events?change=%22landing%20zone%22',
        principal: '-',
        agent: String.raw`evil\x20\"agent\"\x20[x]`,
        accept: 'text/csv',
        log_type: 'access',
        level: 'INFO',
      });
      expect(Number.isInteger(record.duration_ms)).toBe(true);
      expect(lokiLabels(loki, record)).toEqual({
        job: 'meshtrail',
        service: 'meshtrail-gateway',
        log_type: 'access',
        level: 'INFO',
      });
      // every access line the services wrote parses
      const access = capturedLines().filter(({ line: l }) => /^\S+ \d{3} "/.test(l));
      expect(access.length).toBeGreaterThan(0);
      for (const { service, line: l } of access) {
        expect({ l, parsedBy: runFilters(fluentBit, tailed(service, l)).parsedBy }).toEqual({
          l,
          parsedBy: 'meshtrail_access',
        });
      }
      fs.writeFileSync(
        path.join(ARTIFACTS, 'parsed-access-line.json'),
        `${JSON.stringify({ line, record }, null, 2)}\n`,
      );
    });

    it('labels streams only by low-cardinality fields, so Loki keeps few streams', () => {
      const rules = labelRules(loki);
      expect(rules.map((r) => r.name)).toEqual(['job', 'service', 'log_type', 'level']);
      const streams = new Set<string>();
      const values = new Map<string, Set<string>>();
      for (const { service, line } of capturedLines()) {
        const labels = lokiLabels(loki, runFilters(fluentBit, tailed(service, line)).record);
        streams.add(JSON.stringify(labels));
        for (const [name, value] of Object.entries(labels))
          values.set(name, (values.get(name) ?? new Set()).add(value));
      }
      // bounded by construction: one job, five services, two kinds of line, six levels
      expect([...values.get('job')!]).toEqual(['meshtrail']);
      for (const level of values.get('level')!) expect([...LEVELS, 'UNPARSED']).toContain(level);
      for (const type of values.get('log_type')!) expect(['app', 'access']).toContain(type);
      expect(values.get('service')!.size).toBeLessThanOrEqual(pods.size);
      expect(streams.size).toBeLessThanOrEqual(pods.size * 2 * (LEVELS.length + 1));
      // and never by what varies per line or per person
      const accessors = rules.map((r) => r.accessor ?? '').join(' ');
      for (const field of [
        'message',
        'logger',
        'pid',
        'timestamp',
        'path',
        'principal',
        'remote_ip',
        'status',
        'topic',
      ]) {
        expect(accessors).not.toContain(`$${field}`);
      }
    });

    it('tails the log files of exactly the pods the kustomize base creates', () => {
      const input = fluentBit.inputs.find((i) => i.name === 'tail')!;
      const glob = new RegExp(`^${String(input.path).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
      for (const pod of pods.values()) {
        const file = `/var/log/containers/${pod.deployment}-5d8f7c9b4-x2x7q_meshtrail_${pod.container}-${'a'.repeat(64)}.log`;
        expect(file).toMatch(glob);
      }
      expect('/var/log/containers/postgres-0_db_postgres-1234.log').not.toMatch(glob);
      const kubernetes = fluentBit.filters.find((f) => f.name === 'kubernetes')!;
      expect(`${String(input.tag).replace('*', '')}var.log.containers.`).toBe(kubernetes.kube_tag_prefix);
    });
  });

  describe('the Grafana dashboard', () => {
    const prometheusPanels = () => dashboard.panels.filter((p) => p.datasource.type === 'prometheus');
    const lokiPanels = () => dashboard.panels.filter((p) => p.datasource.type === 'loki');

    it('is a well-formed dashboard: unique ids, panels on the 24-column grid without overlaps, datasources as variables', () => {
      expect(dashboard).toMatchObject({ uid: 'meshtrail-overview', title: 'meshtrail' });
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
      expect(variables.get('prometheus')).toMatchObject({ type: 'datasource', query: 'prometheus' });
      expect(variables.get('loki')).toMatchObject({ type: 'datasource', query: 'loki' });
      expect(variables.get('service')).toMatchObject({ type: 'query', datasource: { uid: '${prometheus}' } });
      expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
      const cells = new Set<string>();
      for (const panel of dashboard.panels) {
        expect(panel.title.length).toBeGreaterThan(0);
        expect(['timeseries', 'stat', 'bargauge', 'logs']).toContain(panel.type);
        expect(['${prometheus}', '${loki}']).toContain(panel.datasource.uid);
        const { x, y, w, h } = panel.gridPos;
        expect(x + w).toBeLessThanOrEqual(24);
        for (let cx = x; cx < x + w; cx++)
          for (let cy = y; cy < y + h; cy++) {
            expect(cells.has(`${cx},${cy}`)).toBe(false);
            cells.add(`${cx},${cy}`);
          }
        expect(panel.targets.length).toBeGreaterThan(0);
        expect(new Set(panel.targets.map((t) => t.refId)).size).toBe(panel.targets.length);
        for (const target of panel.targets) expect(target.datasource.uid).toBe(panel.datasource.uid);
      }
      expect(prometheusPanels().length).toBeGreaterThan(10);
      expect(lokiPanels().length).toBeGreaterThan(2);
    });

    it('passes promtool: every PromQL expression as a recording rule', () => {
      const rules = prometheusPanels().flatMap((panel) =>
        panel.targets.map((t) => ({ record: `dashboard:panel_${panel.id}_${t.refId}`, expr: withVariables(t.expr) })),
      );
      rules.push({ record: 'dashboard:service_variable', expr: 'group by (service) (up{job="meshtrail"})' });
      const file = path.join(os.tmpdir(), `meshtrail-dashboard-rules-${process.pid}.yml`);
      fs.writeFileSync(file, stringify({ groups: [{ name: 'meshtrail-dashboard', rules }] }));
      try {
        const output = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
        expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
      } finally {
        fs.rmSync(file, { force: true });
      }
    });

    it('passes promtool: the shipped scrape job (with file discovery in place of Kubernetes discovery)', () => {
      const config = path.join(prometheus.dir, 'prometheus.yml');
      expect(execFileSync('promtool', ['check', 'config', config], { encoding: 'utf8' })).toContain('SUCCESS');
    });

    it("queries only metrics and labels that the services' /metrics really serve, as the shipped scrape job labels them", async () => {
      const services = [...pods.values()].map((p) => p.labels['app.kubernetes.io/name']);
      await waitFor(
        'Prometheus to scrape all five services twice',
        async () => {
          const up = await prometheus.query('count_over_time(up{job="meshtrail"}[1m]) >= 2');
          return up.length === 5 && up.every((s) => services.includes(s.metric.service));
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const checked: string[] = [];
      for (const panel of prometheusPanels()) {
        for (const target of panel.targets) {
          const expr = withVariables(target.expr);
          await prometheus.query(expr); // evaluates without error on real data
          const selectors = selectorsOf(expr);
          expect(selectors.length).toBeGreaterThan(0);
          for (const selector of selectors) {
            if (COUNTED_ONLY_WHEN_IT_HAPPENS[selector.metric]) {
              expect(instrumentNames()).toContain(COUNTED_ONLY_WHEN_IT_HAPPENS[selector.metric]);
              checked.push(`${selector.metric} (created in code; no series until it happens)`);
              continue;
            }
            // the convention that scopes every series to meshtrail and the chosen services
            expect(selector.matchers.slice(0, 2)).toEqual([
              { label: 'job', op: '=', value: 'meshtrail' },
              { label: 'service', op: '=~', value: '.*' },
            ]);
            for (const { label } of selector.matchers) {
              const series = await prometheus.series(`${selector.metric}{job="meshtrail", ${label}!=""}`);
              expect({ panel: panel.title, metric: selector.metric, label, found: series.length > 0 }).toEqual({
                panel: panel.title,
                metric: selector.metric,
                label,
                found: true,
              });
            }
            checked.push(selector.metric);
          }
          const labelsOnSeries = new Set<string>();
          for (const selector of selectors) {
            if (COUNTED_ONLY_WHEN_IT_HAPPENS[selector.metric]) continue;
            for (const series of await prometheus.series(`${selector.metric}{job="meshtrail"}`))
              Object.keys(series).forEach((label) => labelsOnSeries.add(label));
          }
          const served = selectors.filter((selector) => !COUNTED_ONLY_WHEN_IT_HAPPENS[selector.metric]);
          for (const label of served.length > 0 ? groupingLabelsOf(expr) : []) {
            expect({ panel: panel.title, label, present: labelsOnSeries.has(label) }).toEqual({
              panel: panel.title,
              label,
              present: true,
            });
          }
        }
      }
      fs.writeFileSync(path.join(ARTIFACTS, 'dashboard-metrics.txt'), `${[...new Set(checked)].sort().join('\n')}\n`);
    });

    it('selects logs by the labels the Fluent Bit output sets, and counts functional lines the services write', () => {
      const rules = labelRules(loki);
      const constants = new Map(rules.filter((r) => r.constant).map((r) => [r.name, r.constant]));
      const messages = new Set(
        capturedLines()
          .map(({ service, line }) => runFilters(fluentBit, tailed(service, line)).record)
          .filter((r) => r.log_type === 'app')
          .map((r) => String(r.message).replace(/ [a-zA-Z]+=.*$/, '')), // text lines carry their fields after the name
      );
      const documented = new Map(
        readmeTable('### Logs').flatMap(([names, , , fields]) =>
          codeSpans(names).map((name) => [name, fields] as const),
        ),
      );
      for (const panel of lokiPanels()) {
        for (const { expr } of panel.targets) {
          const stream = /\{([^}]*)\}/.exec(expr)![1];
          for (const [, label, , value] of stream.matchAll(/([a-z_]+)\s*(=~|=)\s*"([^"]*)"/g)) {
            expect(rules.map((r) => r.name)).toContain(label);
            if (constants.has(label)) expect(value).toBe(constants.get(label));
            if (label === 'log_type') expect(['app', 'access']).toContain(value);
            if (label === 'level') for (const level of value.split('|')) expect(LEVELS).toContain(level);
          }
          const named = /\| json \| message=~?"([^"]+)"/.exec(expr)?.[1];
          for (const message of named?.split('|') ?? []) {
            // written by a service in this run, or (what the run cannot provoke) a documented functional line
            const known = messages.has(message) || documented.has(message);
            expect({ message, known }).toEqual({ message, known: true });
          }
          const unwrapped = /\| unwrap ([a-zA-Z]+)/.exec(expr)?.[1];
          if (unwrapped) {
            const json = capturedJson().find((l) => l.message === named);
            if (json) expect(typeof json[unwrapped]).toBe('number');
            else expect(documented.get(named!)).toContain(`\`${unwrapped}\``);
          }
        }
      }
    });
  });
  describe('the Prometheus alert rules', () => {
    it('pass promtool check rules: the consumer alerts, each with a severity, a summary and a description', () => {
      const output = execFileSync('promtool', ['check', 'rules', ALERT_RULES], { encoding: 'utf8' });
      expect(output).toContain('SUCCESS: 3 rules found');
      const rules = alertRules();
      expect(rules.map((r) => [r.alert, r.for])).toEqual([
        ['MeshtrailConsumerStalled', '1m'],
        ['MeshtrailConsumerLagGrowing', '10m'],
        ['MeshtrailConsumerSystemic', '2m'],
      ]);
      for (const rule of rules) {
        expect(['critical', 'warning']).toContain(rule.labels.severity);
        expect(Object.keys(rule.annotations).sort()).toEqual(['description', 'summary']);
      }
    });

    it('fire as documented (promtool test rules): stalled for a minute, lag above 10000 for ten minutes, once per partition', () => {
      const where = {
        namespace: 'meshtrail',
        service: 'meshtrail-audit-ingest',
        group: 'audit-ingest',
        topic: 'audit.events.v1',
      };
      const series = (metric: string, pod: string, partition: string, values: string) => ({
        series: `${metric}{${Object.entries({ job: 'meshtrail', ...where, pod, partition })
          .map(([label, value]) => `${label}="${value}"`)
          .join(', ')}}`,
        values,
      });
      const firing = (alert: string, partition: string, value: string) => {
        const rule = alertRules().find((r) => r.alert === alert)!;
        const labels = { ...where, partition };
        return {
          exp_labels: { ...rule.labels, ...labels },
          exp_annotations: Object.fromEntries(
            Object.entries(rule.annotations).map(([name, text]) => [name, renderAnnotation(text, labels, value)]),
          ),
        };
      };
      // every 15 s for 11 minutes; two replicas report partition 0, as each measures the whole group
      const tests = {
        rule_files: [ALERT_RULES],
        evaluation_interval: '15s',
        tests: [
          {
            interval: '15s',
            input_series: [
              series('meshtrail_kafka_consumer_stalled', 'a', '0', '0 0 0 0 1x40'), // stalled from 1m on
              series('meshtrail_kafka_consumer_stalled', 'b', '0', '0 0 0 0 1x40'),
              series('meshtrail_kafka_consumer_stalled', 'a', '1', '0x44'),
              series('meshtrail_kafka_consumer_lag', 'a', '0', '20000x44'),
              series('meshtrail_kafka_consumer_lag', 'b', '0', '20000x44'),
              series('meshtrail_kafka_consumer_lag', 'a', '1', '500x44'),
              series('meshtrail_kafka_consumer_lag', 'a', '2', '20000x19 5000 20000x24'), // dipped at 5m
            ],
            alert_rule_test: [
              { eval_time: '1m45s', alertname: 'MeshtrailConsumerStalled', exp_alerts: [] },
              {
                eval_time: '2m',
                alertname: 'MeshtrailConsumerStalled',
                exp_alerts: [firing('MeshtrailConsumerStalled', '0', '1')],
              },
              { eval_time: '9m45s', alertname: 'MeshtrailConsumerLagGrowing', exp_alerts: [] },
              {
                eval_time: '10m',
                alertname: 'MeshtrailConsumerLagGrowing',
                exp_alerts: [firing('MeshtrailConsumerLagGrowing', '0', '20000')],
              },
            ],
          },
        ],
      };
      const file = path.join(os.tmpdir(), `meshtrail-alert-tests-${process.pid}.yml`);
      fs.writeFileSync(file, stringify(tests));
      try {
        const result = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
        expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({
          status: 0,
          output: expect.stringContaining('SUCCESS'),
        });
      } finally {
        fs.rmSync(file, { force: true });
      }
    });

    it("name only metrics and labels that the services' /metrics really serve", async () => {
      await waitFor(
        'Prometheus to scrape the consumer metrics the rules use',
        async () => {
          for (const metric of [
            'meshtrail_kafka_consumer_stalled',
            'meshtrail_kafka_consumer_lag',
            'meshtrail_kafka_consumer_systemic',
          ]) {
            if ((await prometheus.query(`${metric}{job="meshtrail"}`)).length === 0) return false;
          }
          return true;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      for (const rule of alertRules()) {
        await prometheus.query(rule.expr); // evaluates without error on real data
        const selectors = selectorsOf(rule.expr);
        expect(selectors.length).toBeGreaterThan(0);
        const labelsOnSeries = new Set<string>();
        for (const selector of selectors) {
          expect(selector.matchers).toEqual([{ label: 'job', op: '=', value: 'meshtrail' }]);
          for (const series of await prometheus.series(`${selector.metric}{job="meshtrail"}`))
            Object.keys(series).forEach((label) => labelsOnSeries.add(label));
        }
        for (const label of groupingLabelsOf(rule.expr)) {
          expect({ alert: rule.alert, label, present: labelsOnSeries.has(label) }).toEqual({
            alert: rule.alert,
            label,
            present: true,
          });
        }
      }
    });
  });
});
