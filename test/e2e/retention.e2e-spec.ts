import { randomUUID } from 'node:crypto';
import { TOPICS, retentionCommandMessage, type AuditCloudEvent, type EnforceRetention } from '@meshtrail/contracts';
import { createKafkaClient } from '@meshtrail/kafka';
import { RETENTION_TABLES } from '@meshtrail/retention';
import { waitFor } from '../support/poll';
import { ServiceProcess, type LogLine } from '../support/service-process';
import { ensureMonths, insertAuditEvent, insertAuthEvent, insertDeadLetter } from '../support/store-rows';
import { createTestStack, type TestStack } from '../support/test-stack';
import { TopicReader } from '../support/topic-reader';
import { apiKeyStoreOf } from '../support/api-keys';

const YEAR_MS = 365 * 86_400_000;

/** The kinds whose store the migrations have created so far: each gets a RetentionEnforced per run. */
async function presentKinds(stack: TestStack): Promise<string[]> {
  const kinds: string[] = [];
  for (const store of RETENTION_TABLES) {
    const [row] = await stack.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [store.table]);
    if (row.exists) kinds.push(store.kind);
  }
  return kinds.sort();
}
const isEnforced = (event: AuditCloudEvent) => event.type === 'meshtrail.retention.enforced';

/** Data three years old (past every policy's default) and data of last week (inside every one). */
async function seedExpiredAndRecent(stack: TestStack, tag: string): Promise<void> {
  const old = new Date(Date.now() - 3 * YEAR_MS);
  const firstOfOldMonth = `${old.toISOString().slice(0, 7)}-01`;
  await ensureMonths(stack, 'audit_events', firstOfOldMonth, 1);
  await ensureMonths(stack, 'auth_events', firstOfOldMonth, 1);
  await insertAuditEvent(stack, { id: `${tag}-old-1`, occurredAt: old, workspace: 'ws-1' });
  await insertAuditEvent(stack, { id: `${tag}-old-2`, occurredAt: old, workspace: 'ws-2' });
  await insertAuthEvent(stack, { offset: Math.floor(Math.random() * 1e9), occurredAt: old.toISOString() });
  await insertAuditEvent(stack, { id: `${tag}-recent`, occurredAt: new Date(Date.now() - 30 * 86_400_000) });
  const offset = Math.floor(Math.random() * 1e9);
  await insertDeadLetter(stack, { offset, deadLetteredAt: old.toISOString(), key: `${tag}-old` });
  const lastWeek = new Date(Date.now() - 7 * 86_400_000).toISOString();
  await insertDeadLetter(stack, { offset: offset + 1, deadLetteredAt: lastWeek, key: `${tag}-recent` });
}

/** The keys of the dead letters a seed stored under `tag`. */
async function deadLetterKeys(stack: TestStack, tag: string): Promise<string[]> {
  const rows = await stack.query<{ key: string }>(
    `SELECT convert_from(key, 'UTF8') AS key FROM dead_letters WHERE starts_with(convert_from(key, 'UTF8'), $1) ORDER BY 1`,
    [`${tag}-`],
  );
  return rows.map((row) => row.key);
}

function runOutcome(service: ServiceProcess): LogLine | undefined {
  return service.logs.find(
    (line) =>
      (line.message === 'Retention Enforced' || line.message === 'Retention Run Skipped') &&
      line.trigger === 'schedule',
  );
}

describe('retention service (processes over the real broker and database)', () => {
  let stack: TestStack;
  let reader: TopicReader;

  beforeAll(async () => {
    stack = await createTestStack('retentione2e');
    reader = await TopicReader.start(stack.topic(TOPICS.auditEvents), stack.brokers);
  });
  afterAll(async () => {
    await reader.stop();
    await stack.teardown();
  });

  it('two instances started together enforce the due slot once, not twice', async () => {
    await seedExpiredAndRecent(stack, 'pair');
    const [first, second] = await Promise.all([
      ServiceProcess.start('retention', stack.env),
      ServiceProcess.start('retention', stack.env),
    ]);
    try {
      const outcomes = await waitFor('both instances to run or skip the slot', () => {
        const both = [runOutcome(first), runOutcome(second)];
        return both.every(Boolean) ? (both as LogLine[]) : undefined;
      });
      expect(outcomes.map((line) => line.message).sort()).toEqual(['Retention Enforced', 'Retention Run Skipped']);
      const skipped = outcomes.find((line) => line.message === 'Retention Run Skipped')!;
      expect(['another replica is enforcing', 'slot already enforced']).toContain(skipped.reason);

      const runs = await stack.query<{ run_id: string; rows_deleted: string; status: string }>(
        `SELECT run_id, rows_deleted, status FROM retention_runs`,
      );
      expect(runs).toHaveLength(1);
      // two audit events, a Keycloak event and a dead letter
      expect(runs[0]).toMatchObject({ status: 'succeeded', rows_deleted: '4' });
      expect((await stack.query(`SELECT id FROM audit_events`)).map((row) => row.id)).toEqual(['pair-recent']);
      expect(await deadLetterKeys(stack, 'pair')).toEqual(['pair-recent']);

      // one RetentionEnforced per store the run touched, all of that run
      const kinds = await presentKinds(stack);
      expect(kinds).toEqual(expect.arrayContaining(['auditEvents', 'authEvents', 'deadLetters']));
      const events = await reader.waitForValues<AuditCloudEvent>('RetentionEnforced events', isEnforced, kinds.length);
      expect(events).toHaveLength(kinds.length);
      expect(new Set(events.map((event) => event.data.correlationId))).toEqual(new Set([runs[0].run_id]));
      expect(events.map((event) => event.data.objectId).sort()).toEqual(kinds);
      const deadLettersEvent = events.find((event) => event.data.objectId === 'deadLetters')!;
      expect(deadLettersEvent.data.changes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'table', to: 'dead_letters' }),
          expect.objectContaining({ field: 'retentionMonths', to: 3 }),
          expect.objectContaining({ field: 'rowsDeleted', to: 1 }),
        ]),
      );

      // the health details of both instances show that run, and when each tries next
      const [winner, loser] = runOutcome(first)!.message === 'Retention Enforced' ? [first, second] : [second, first];
      type RetentionHealth = {
        components: { retention: { status: string; details: { lastRun: { runId: string }; nextRun: string } } };
      };
      const healthOf = async (instance: ServiceProcess) =>
        ((await (await fetch(`${instance.url}/actuator/health`)).json()) as RetentionHealth).components.retention;
      for (const instance of [winner, loser]) {
        expect(await healthOf(instance)).toMatchObject({
          status: 'UP',
          details: { lastRun: { runId: runs[0].run_id } },
        });
      }
      // the next slot: Sunday 03:00 UTC (the loser, if it found the lock taken, looks again a minute later)
      const next = new Date((await healthOf(winner)).details.nextRun);
      expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([0, 3, 0]);
      expect(new Date((await healthOf(loser)).details.nextRun).getTime()).toBeGreaterThan(Date.now());
      // and so do the metrics of both, the one that ran and the one that skipped
      for (const instance of [first, second]) {
        const metrics = await (await fetch(`${instance.url}/metrics`)).text();
        expect(metrics).toMatch(/meshtrail_retention_last_run_success\{[^}]*\} 1/);
        expect(metrics).toMatch(/meshtrail_retention_last_run_rows_deleted\{[^}]*\} 4/);
      }
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('runs on demand from EnforceRetention commands: the dry run reports what the real run then deletes', async () => {
    const service = await ServiceProcess.start('retention', stack.env);
    const kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'retention-e2e');
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      await waitFor('the start-up catch-up to settle', () => runOutcome(service));
      await seedExpiredAndRecent(stack, 'demand');
      const command = (dryRun: boolean): EnforceRetention => ({
        type: 'EnforceRetention',
        commandId: randomUUID(),
        dryRun,
        requestedAt: new Date().toISOString(),
        requestedBy: { kind: 'user', id: 'u-admin', displayName: 'Ada Admin' },
      });
      const recorded = (runId: string) =>
        waitFor(`run ${runId} to be recorded`, async () => {
          const [row] = await stack.query<{ dry_run: boolean; outcomes: Array<Record<string, unknown>> }>(
            `SELECT dry_run, outcomes FROM retention_runs WHERE run_id = $1`,
            [runId],
          );
          return row;
        });
      const figures = (outcomes: Array<Record<string, unknown>>) =>
        outcomes.map(({ kind, cutoff, partitionsDropped, rowsDeleted, registryRowsDeleted }) => ({
          kind,
          partitionsDropped,
          rowsDeleted,
          registryRowsDeleted,
          cutoffDay: String(cutoff).slice(0, 10),
        }));

      const dry = command(true);
      await producer.send({ topic: stack.topic(TOPICS.retentionCommands), messages: [retentionCommandMessage(dry)] });
      const dryRun = await recorded(dry.commandId);
      expect(dryRun.dry_run).toBe(true);
      expect((await stack.query(`SELECT id FROM audit_events WHERE id LIKE 'demand-%'`)).length).toBe(3);

      const real = command(false);
      await producer.send({ topic: stack.topic(TOPICS.retentionCommands), messages: [retentionCommandMessage(real)] });
      const realRun = await recorded(real.commandId);
      expect(figures(realRun.outcomes)).toEqual(figures(dryRun.outcomes));
      expect(figures(realRun.outcomes).find((o) => o.kind === 'auditEvents')).toMatchObject({ rowsDeleted: 2 });
      expect(figures(realRun.outcomes).find((o) => o.kind === 'deadLetters')).toMatchObject({ rowsDeleted: 1 });
      expect(await deadLetterKeys(stack, 'demand')).toEqual(['demand-recent']);
      expect((await stack.query(`SELECT id FROM audit_events WHERE id LIKE 'demand-%'`)).map((r) => r.id)).toEqual([
        'demand-recent',
      ]);
      const [requester] = await stack.query(`SELECT requested_by_name, trigger FROM retention_runs WHERE run_id = $1`, [
        real.commandId,
      ]);
      expect(requester).toEqual({ requested_by_name: 'Ada Admin', trigger: 'demand' });
      // the dry run published nothing; the real one its RetentionEnforced events
      const ofRun = (runId: string) => reader.values<AuditCloudEvent>().filter((e) => e.data.correlationId === runId);
      const kinds = await presentKinds(stack);
      await waitFor('the real run’s events', () => ofRun(real.commandId).length === kinds.length);
      expect(ofRun(dry.commandId)).toEqual([]);
    } finally {
      await producer.disconnect();
      await service.stop();
    }
  });

  it('refuses to start with a policy outside its bounds, naming the kind, the value and the bounds', async () => {
    const service = ServiceProcess.spawn('retention', {
      ...stack.env,
      RETENTION_AUDIT_EVENTS_MONTHS: '61',
      RETENTION_ACCESS_LOGS_MONTHS: '0',
      RETENTION_SCHEDULE: '0 25 * * *',
    });
    const exit = await service.exited();
    expect(exit.code).toBe(78);
    expect(service.stderr).toContain(
      'RETENTION_AUDIT_EVENTS_MONTHS: audit events must be kept from 12 months (minimum) to 60 months (maximum), in whole months (given: "61")',
    );
    expect(service.stderr).toContain(
      'RETENTION_ACCESS_LOGS_MONTHS: API access logs must be kept from 1 month (minimum) to 6 months (maximum), in whole months (given: "0")',
    );
    expect(service.stderr).toMatch(/RETENTION_SCHEDULE: must be a five-field cron expression in UTC.*hour/);
  });
});

describe('gateway retention admin endpoints (processes)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack('retentiongw');
  });
  afterAll(() => stack.teardown());

  it('are closed without credentials, and run a dry run for an admin through the retention service', async () => {
    const keys = apiKeyStoreOf(stack);
    const admin = await keys.create('ops-admin', { admin: true, workspaces: [], manageKeys: true }, 'test');
    const [gateway, retention] = await Promise.all([
      ServiceProcess.start('gateway', stack.env),
      ServiceProcess.start('retention', stack.env),
    ]);
    try {
      for (const [method, path] of [
        ['POST', '/api/v1/admin/retention/runs'],
        ['GET', '/api/v1/admin/retention/runs'],
        ['GET', '/api/v1/admin/legal-holds'],
        ['POST', '/api/v1/admin/legal-holds'],
      ]) {
        const res = await fetch(`${gateway.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: method === 'POST' ? JSON.stringify({ dryRun: false, workspace: 'ws', reason: 'x' }) : undefined,
        });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      }
      expect(await stack.query('SELECT 1 FROM legal_holds')).toEqual([]);

      const asAdmin = { 'content-type': 'application/json', authorization: `Bearer ${admin.key}` };
      const accepted = await fetch(`${gateway.url}/api/v1/admin/retention/runs`, {
        method: 'POST',
        headers: asAdmin,
        body: JSON.stringify({ dryRun: true }),
      });
      expect(accepted.status).toBe(202);
      const { runId, result } = (await accepted.json()) as { runId: string; result: string };
      const run = await waitFor('the run to be recorded', async () => {
        const res = await fetch(`${gateway.url}${result}`, { headers: asAdmin });
        return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
      });
      expect(run).toMatchObject({
        runId,
        trigger: 'demand',
        dryRun: true,
        status: 'succeeded',
        requestedBy: { kind: 'apiKey', name: 'ops-admin' },
      });
    } finally {
      await Promise.all([gateway.stop(), retention.stop()]);
    }
  });
});
