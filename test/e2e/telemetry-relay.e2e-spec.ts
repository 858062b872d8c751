import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createKafkaClient } from '@meshtrail/kafka';
import { waitFor } from '../support/poll';
import { PrometheusServer } from '../support/prometheus';
import { sdkOtlpBytes } from '../support/sdk-metrics';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

/** A service that labels its metrics with customer data, as a careless one might, in OTLP on the topic. */
function customerLabelledOtlp(): Promise<Buffer> {
  const resource = {
    'service.name': 'meshtrail-audit-ingest',
    'service.instance.id': 'ingest-1',
    'host.name': 'acme-prod-node-7.acme.internal',
    'process.command_args': ['node', 'main.js', '--customer=acme'],
  };
  return sdkOtlpBytes(resource, (meter) => {
    meter.createObservableGauge('meshtrail.objects.count').addCallback((result) => {
      result.observe(5, { object_type: 'project', workspace: 'acme-corp' });
      result.observe(2, { object_type: 'project', workspace: 'globex' });
      result.observe(1, { object_type: 'tenant', workspace: 'acme-corp', 'user.email': 'jane@acme.example' });
    });
    meter
      .createCounter('meshtrail.audit.events_ingested')
      .add(3, { object_type: 'project', action: 'created', tenant_id: 'acme-t1' });
    meter.createCounter('customer.invoices.total').add(1, { object_type: 'invoice' });
  });
}

describe('telemetry relay to a real Prometheus (remote-write) as the operations center', () => {
  let stack: TestStack;
  let prometheus: PrometheusServer;
  let gateway: ServiceProcess;
  let relay: ServiceProcess;
  let queueDir: string;
  let usageRequests: string[];
  let usageServer: http.Server;
  let db: Client;

  beforeAll(async () => {
    stack = await createTestStack('relay');
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    prometheus = await PrometheusServer.start();
    queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-relay-queue-'));
    usageRequests = [];
    usageServer = http.createServer((req, res) => {
      usageRequests.push(`${req.method} ${req.url}`);
      res.writeHead(202).end();
    });
    await new Promise<void>((resolve) => usageServer.listen(0, '127.0.0.1', resolve));
    gateway = await ServiceProcess.start('gateway', { ...stack.env, TELEMETRY_EXPORT_INTERVAL_MS: '1000' });
    relay = await ServiceProcess.start('telemetry-relay', {
      ...stack.env,
      TELEMETRY_EXPORT_INTERVAL_MS: '1000',
      TELEMETRY_INSTALLATION_ID: 'e2e-installation',
      TELEMETRY_PROTOCOL: 'remote-write',
      TELEMETRY_ALLOW_INSECURE: 'true',
      TELEMETRY_ENDPOINT: prometheus.writeUrl,
      TELEMETRY_DISABLED_CATEGORIES: 'host',
      TELEMETRY_HEALTH_TARGETS: `gateway=${gateway.url}`,
      TELEMETRY_HEALTH_INTERVAL_MS: '2000',
      TELEMETRY_HEARTBEAT_INTERVAL_MS: '1000',
      TELEMETRY_QUEUE_DIR: queueDir,
      TELEMETRY_RETRY_INITIAL_MS: '200',
      TELEMETRY_RETRY_MAX_MS: '1000',
      // usage reporting is off (the default); the endpoint is set only to prove nothing reaches it
      TELEMETRY_USAGE_ENDPOINT: `http://127.0.0.1:${(usageServer.address() as { port: number }).port}`,
    });
    const producer = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'relay-e2e').producer();
    await producer.connect();
    await producer.send({
      topic: stack.topic('telemetry.otlp.v1'),
      messages: [
        { key: 'audit-ingest', value: await customerLabelledOtlp() },
        { key: 'broken', value: Buffer.from('not protobuf') },
      ],
    });
    await producer.send({
      topic: stack.topic('usage.events.v1'),
      messages: [{ value: JSON.stringify({ name: 'pageview', page: '/event-log', props: { feature: 'search' } }) }],
    });
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    await gateway?.stop();
    await prometheus?.remove();
    await new Promise((resolve) => usageServer?.close(resolve));
    await db?.end();
    await stack?.teardown();
    fs.rmSync(queueDir, { recursive: true, force: true });
  }, 60_000);

  it('prints the effective policy at start', () => {
    const policy = relay.logs.find((line) => line.message === 'Telemetry Policy')!;
    expect(policy.categories).toEqual({
      host: 'off',
      service: 'on',
      application: 'on',
      health: 'on',
      heartbeat: 'on',
      problems: 'on',
      usage: 'off',
    });
    expect(policy.scrubMode).toBe('drop');
  });

  it("delivers the services' metrics, health and heartbeat with the installation label", async () => {
    const routes = await waitFor(
      'gateway HTTP metrics in Prometheus',
      async () => {
        const result = await prometheus.query('http_server_request_duration_count{job="meshtrail-gateway"}');
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(routes[0].metric.installation).toBe('e2e-installation');
    const health = await waitFor(
      'gateway health in Prometheus',
      async () => {
        const result = await prometheus.query('meshtrail_health_status{service="gateway",component="overall"}');
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(health[0].value[1]).toBe('1');
    const info = await prometheus.query('meshtrail_health_info{service="gateway"}');
    expect(info[0].metric.version).toBe('0.1.0');
    expect(await prometheus.query('meshtrail_heartbeat{installation="e2e-installation"}')).toHaveLength(1);
  });

  it('scrubs customer labels: dropped labels are aggregated away, unknown metrics and resource details stay home', async () => {
    const objects = await waitFor(
      'the object counts in Prometheus',
      async () => {
        const result = await prometheus.query('meshtrail_objects_count');
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(Object.fromEntries(objects.map((r) => [r.metric.object_type, r.value[1]]))).toEqual({
      project: '7',
      tenant: '1',
    });
    const series = await prometheus.series('{installation="e2e-installation"}');
    const everything = JSON.stringify(series);
    for (const secret of ['acme', 'globex', 'jane', os.hostname(), 'main.js', 'invoice'])
      expect(everything).not.toContain(secret);
    const labelNames = new Set(series.flatMap((s) => Object.keys(s)));
    for (const forbidden of ['workspace', 'tenant_id', 'user_email', 'host_name', 'process_command_args'])
      expect(labelNames.has(forbidden)).toBe(false);
    expect(relay.logs.some((line) => line.message === 'Telemetry Record Rejected')).toBe(true);
    // and kept whole as a dead letter, never relayed
    const letters = await waitFor('the record that is not OTLP kept as a dead letter', async () => {
      const rows = await stack.query<{ reason: string; message: string }>(
        'SELECT reason, message FROM dead_letters WHERE source_topic = $1',
        [stack.topic('telemetry.otlp.v1')],
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(letters).toEqual([
      expect.objectContaining({ reason: 'TELEMETRY.NOT_OTLP', message: expect.stringMatching(/^not an OTLP/) }),
    ]);
  });

  it('never sends an opted-out category, nor usage events while usage reporting is off', async () => {
    // the gateway exports host metrics every second; by now plenty have passed the relay
    expect(await prometheus.series('{__name__=~"system_.*|process_.*|nodejs_.*|v8js_.*"}')).toEqual([]);
    expect(usageRequests).toEqual([]);
  });

  it('keeps everything while Prometheus is down and delivers the backlog once it is back', async () => {
    await prometheus.stop();
    const outageStart = Date.now();
    await waitFor('the relay to notice the outage', () => relay.logs.some((l) => l.message === 'Delivery Failed'), {
      timeoutMs: 20_000,
    });
    await waitFor(
      'heartbeats to pile up in the disk queue',
      () => fs.readdirSync(queueDir).filter((f) => f.includes('heartbeat')).length >= 8,
      {
        timeoutMs: 30_000,
        intervalMs: 250,
      },
    );
    const outageEnd = Date.now();
    await prometheus.resume();
    const windowSeconds = Math.ceil((outageEnd - outageStart) / 1000);
    const counted = await waitFor(
      'the backlog of heartbeats from the outage in Prometheus',
      async () => {
        const result = await prometheus.query(
          `count_over_time(meshtrail_heartbeat{installation="e2e-installation"}[${windowSeconds}s])`,
          outageEnd,
        );
        const count = Number(result[0]?.value[1] ?? 0);
        return count >= 8 ? count : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(counted).toBeGreaterThanOrEqual(8);
    await waitFor('the queue to drain', () => fs.readdirSync(queueDir).length <= 3, { timeoutMs: 30_000 });

    const { rows } = await db.query<{ result: string; n: string }>(
      `SELECT result, count(*) AS n FROM telemetry_transmissions WHERE destination = 'remote-write' GROUP BY result`,
    );
    const byResult = Object.fromEntries(rows.map((r) => [r.result, Number(r.n)]));
    expect(byResult.failed).toBeGreaterThan(0);
    expect(byResult.delivered).toBeGreaterThan(0);
    const { rows: sample } = await db.query(`SELECT * FROM telemetry_transmissions WHERE result = 'delivered' LIMIT 1`);
    expect(sample[0]).toMatchObject({ status_code: 204, destination: 'remote-write' });
    expect(Object.keys(sample[0]).sort()).toEqual(
      [
        'bytes',
        'category',
        'destination',
        'duration_ms',
        'error',
        'id',
        'items',
        'result',
        'sent_at',
        'status_code',
      ].sort(),
    );
  }, 150_000);
});
