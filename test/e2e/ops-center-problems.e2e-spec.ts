import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TOPICS, retentionCommandMessage } from '@meshtrail/contracts';
import { createKafkaClient } from '@meshtrail/kafka';
import { waitFor } from '../support/poll';
import { PrometheusServer } from '../support/prometheus';
import { relayToTestCenter } from '../support/relay-env';
import { ServiceProcess } from '../support/service-process';
import { ensureMonths, insertAuditEvent, partitionsOf } from '../support/store-rows';
import { createTestStack, type TestStack } from '../support/test-stack';

const YEAR_MS = 365 * 86_400_000;

/**
 * A retention run that fails for real (a view depends on the expired month's partition, so
 * PostgreSQL refuses to drop it) reaches the operations center, a real Prometheus: the retention
 * component DOWN and a retention_run_failed problem; once a later run succeeds, the component is UP.
 */
describe('failures reach the operations center', () => {
  let stack: TestStack;
  let prometheus: PrometheusServer;
  let retention: ServiceProcess;
  let relay: ServiceProcess;
  let queueDir: string;
  let blocker: string;

  beforeAll(async () => {
    stack = await createTestStack('opsproblems');
    prometheus = await PrometheusServer.start();
    queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-relay-queue-'));
    const old = new Date(Date.now() - 3 * YEAR_MS);
    const month = old.toISOString().slice(0, 7);
    await ensureMonths(stack, 'audit_events', `${month}-01`, 1);
    await insertAuditEvent(stack, { id: 'expired-1', occurredAt: old, workspace: 'ws-1' });
    const partition = (await partitionsOf(stack, 'audit_events')).find(
      (name) => name === `audit_events_${month.replace('-', '')}`,
    )!;
    expect(partition).toBeDefined();
    blocker = `blocks_${partition}`;
    await stack.query(`CREATE VIEW ${blocker} AS SELECT id FROM ${partition}`);
    // at start the service catches up the latest slot: that run fails
    retention = await ServiceProcess.start('retention', stack.env);
    relay = await ServiceProcess.start('telemetry-relay', {
      ...stack.env,
      TELEMETRY_INSTALLATION_ID: 'e2e-problems',
      ...relayToTestCenter(prometheus.writeUrl, queueDir),
      TELEMETRY_HEALTH_TARGETS: `retention=${retention.url}`,
    });
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    await retention?.stop();
    await prometheus?.remove();
    await stack?.teardown();
    fs.rmSync(queueDir, { recursive: true, force: true });
  }, 60_000);

  it('sends the DOWN retention component and the retention_run_failed problem, then UP once a run succeeds', async () => {
    const [failed] = await waitFor('the catch-up run to fail', async () => {
      const rows = await stack.query<{ run_id: string; status: string }>(`SELECT run_id, status FROM retention_runs`);
      return rows.length > 0 ? rows : undefined;
    });
    expect(failed.status).toBe('failed');

    // the service's own health says what and why, and stays ready
    const health = (await (await fetch(`${retention.url}/actuator/health`)).json()) as {
      status: string;
      components: { retention: { status: string; details: { problem: Record<string, string> } } };
    };
    expect(health.status).toBe('DOWN');
    expect(health.components.retention.status).toBe('DOWN');
    expect(health.components.retention.details.problem).toMatchObject({
      type: 'retention_run_failed',
      severity: 'critical',
      description: `schedule retention run ${failed.run_id.slice(0, 8)} failed: stores auditEvents`,
    });
    expect((await fetch(`${retention.url}/actuator/health/readiness`)).status).toBe(200);

    // the operations center received both
    const down = await waitFor(
      'the DOWN retention component in Prometheus',
      async () => {
        const result = await prometheus.query(
          'meshtrail_health_status{service="retention",component="retention",installation="e2e-problems"}',
        );
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(down[0].value[1]).toBe('0');
    const problems = await waitFor(
      'the problem in Prometheus',
      async () => {
        const result = await prometheus.query('meshtrail_problems{type="retention_run_failed"}');
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(problems).toHaveLength(1);
    expect(problems[0].metric).toMatchObject({
      service: 'retention',
      component: 'retention',
      severity: 'critical',
      installation: 'e2e-problems',
      description: `schedule retention run ${failed.run_id.slice(0, 8)} failed: stores auditEvents`,
    });
    const [finishedAt] = await stack.query<{ at: string }>(
      `SELECT extract(epoch FROM date_trunc('second', finished_at))::bigint::text AS at FROM retention_runs`,
    );
    expect(problems[0].value[1]).toBe(finishedAt.at);

    // the cause removed, a later run succeeds: the component is UP at the center again
    await stack.query(`DROP VIEW ${blocker}`);
    const kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'ops-problems-e2e');
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const commandId = randomUUID();
    try {
      await producer.send({
        topic: stack.topic(TOPICS.retentionCommands),
        messages: [
          retentionCommandMessage({
            type: 'EnforceRetention',
            commandId,
            dryRun: false,
            requestedAt: new Date().toISOString(),
            requestedBy: { kind: 'user', id: 'u-admin', displayName: 'Ada Admin' },
          }),
        ],
      });
    } finally {
      await producer.disconnect();
    }
    const [rerun] = await waitFor('the later run', async () => {
      const rows = await stack.query<{ status: string }>(`SELECT status FROM retention_runs WHERE run_id = $1`, [
        commandId,
      ]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(rerun.status).toBe('succeeded');
    await waitFor(
      'the retention component UP in Prometheus',
      async () => {
        const [latest] = await prometheus.query('meshtrail_health_status{service="retention",component="retention"}');
        return latest?.value[1] === '1';
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });
});
