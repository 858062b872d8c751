import { Client } from 'pg';
import { AuditEventPublisher, type AuditEventInput } from '@meshtrail/contracts';
import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

interface ProjectionHealth {
  status: string;
  details?: { lagSeconds?: number; eventsBehind?: number; reason?: string; error?: string };
}

function input(i: number): AuditEventInput {
  return {
    data: {
      objectType: 'Project',
      objectId: `p-${i}`,
      action: 'created',
      workspace: `ws-${i % 4}`,
      actor: { kind: 'user', id: 'u-1', displayName: 'Jane' },
      change: `created project p-${i}`,
    },
  };
}

describe('the read model follows the trail, and health says when it cannot', () => {
  let stack: TestStack;
  let producer: KafkaProducer;
  let publisher: AuditEventPublisher;
  let service: ServiceProcess | undefined;
  let published = 0;

  beforeAll(async () => {
    stack = await createTestStack('projection');
    producer = new KafkaProducer(
      createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'projection-e2e'),
    );
    publisher = new AuditEventPublisher({ sink: producer, source: 'meshstack/e2e', topicPrefix: stack.topicPrefix });
  });
  afterAll(async () => {
    await service?.kill();
    await producer.close();
    await stack.teardown();
  });

  const count = async (table: 'audit_events' | 'audit_event_search') =>
    Number((await stack.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`))[0].n);
  const publish = async (n: number) => {
    await publisher.publish(Array.from({ length: n }, (_, k) => input(published + k)));
    published += n;
  };
  const projection = async (): Promise<ProjectionHealth> => {
    const response = await fetch(`${service!.url}/actuator/health`);
    return ((await response.json()) as { components: { projection: ProjectionHealth } }).components.projection;
  };

  it('projects what was stored, waits for a writer still in flight without skipping it, and reports why it lags', async () => {
    service = await ServiceProcess.start('audit-ingest', {
      ...stack.env,
      AUDIT_PROJECTION_LAG_CHECK_MS: '200',
      AUDIT_PROJECTION_LAG_DOWN_SECONDS: '2',
    });
    await publish(40);
    await waitFor('the read model to hold every stored event', async () => (await count('audit_event_search')) === 40);
    await waitFor('projection UP with no lag', async () => {
      const health = await projection();
      return health.status === 'UP' && health.details?.eventsBehind === 0;
    });

    // a transaction that holds a transaction id and stays open, as a forgotten session would
    const holder = new Client({ connectionString: stack.databaseUrl, application_name: 'e2e-long-transaction' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_current_xact_id()'))
        .rows;
      await publish(20);
      await waitFor('the new events stored', async () => (await count('audit_events')) === 60);
      const down = await waitFor(
        'projection DOWN, naming the transaction that holds it back',
        async () => {
          const health = await projection();
          return health.status === 'DOWN' ? health : undefined;
        },
        { timeoutMs: 20_000 },
      );
      expect(down.details?.eventsBehind).toBe(20);
      expect(down.details?.reason).toContain(`pid ${pid}`);
      expect(down.details?.reason).toContain('application e2e-long-transaction');
      expect(await count('audit_event_search')).toBe(40);
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      const lag = metrics.split('\n').filter((line) => line.startsWith('meshtrail_projection_lag'));
      expect(lag).toEqual([expect.stringMatching(/^meshtrail_projection_lag(\{[^}]*\})? [0-9.e+-]+$/)]);
      expect(Number(lag[0].split(' ').pop())).toBeGreaterThan(0);
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }
    await waitFor(
      'every event projected once the transaction ended',
      async () => (await count('audit_event_search')) === 60,
    );
    await waitFor('projection UP again', async () => (await projection()).status === 'UP', { timeoutMs: 20_000 });
  }, 90_000);

  it('turns DOWN with the error when projecting fails, and catches up when it works again', async () => {
    await stack.query('REVOKE INSERT ON audit_event_search FROM meshtrail_ingest');
    try {
      await publish(5);
      const down = await waitFor('projection DOWN with the failure', async () => {
        const health = await projection();
        return health.status === 'DOWN' && health.details?.error ? health : undefined;
      });
      expect(down.details?.error).toMatch(/permission denied/);
      expect(service!.logs.some((line) => line.message === 'Projection Failed')).toBe(true);
      // storing goes on while the read model cannot follow
      await waitFor('the new events stored', async () => (await count('audit_events')) === 65);
      expect((await projection()).status).toBe('DOWN');
    } finally {
      await stack.query('GRANT INSERT ON audit_event_search TO meshtrail_ingest');
    }
    await waitFor('every event projected after the failure', async () => (await count('audit_event_search')) === 65);
    await waitFor('projection UP again', async () => (await projection()).status === 'UP');
    expect(service!.logs.some((line) => line.message === 'Projection Resumed')).toBe(true);
    const [{ projects }] = await stack.query<{ projects: string }>(
      `SELECT count::text AS projects FROM object_counts WHERE object_type = 'Project'`,
    );
    expect(Number(projects)).toBe(65);
  }, 60_000);
  it('turns DOWN when the workspace names it folds cannot be written, and names the workspace once they can', async () => {
    await stack.query('REVOKE INSERT ON workspace_name_history FROM meshtrail_ingest');
    try {
      await publisher.publish([
        {
          data: {
            objectType: 'Workspace',
            objectId: 'ws-named',
            objectName: 'Named Later',
            action: 'created',
            workspace: 'ws-named',
            actor: { kind: 'user', id: 'u-1', displayName: 'Jane' },
            change: 'created workspace ws-named',
          },
        },
      ]);
      const down = await waitFor('projection DOWN with the failure', async () => {
        const health = await projection();
        return health.status === 'DOWN' && health.details?.error ? health : undefined;
      });
      expect(down.details?.error).toMatch(/permission denied.*workspace_name_history/);
      expect(await stack.query(`SELECT name FROM workspace_names WHERE workspace = 'ws-named'`)).toEqual([]);
    } finally {
      await stack.query('GRANT INSERT ON workspace_name_history TO meshtrail_ingest');
    }
    await waitFor('projection UP again', async () => (await projection()).status === 'UP');
    expect(await stack.query(`SELECT name, deleted FROM workspace_names WHERE workspace = 'ws-named'`)).toEqual([
      { name: 'Named Later', deleted: false },
    ]);
    expect(await count('audit_event_search')).toBe(66);
  }, 60_000);

  it('turns DOWN when a step hangs in a statement, and UP once it goes on', async () => {
    const locker = new Client({ connectionString: stack.databaseUrl });
    await locker.connect();
    try {
      // a lock held elsewhere (no transaction id: it holds no reader back) keeps the step's INSERT waiting
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE audit_event_search IN ACCESS EXCLUSIVE MODE');
      const down = await waitFor('projection DOWN naming the hung step', async () => {
        const health = await projection();
        return health.status === 'DOWN' ? health : undefined;
      });
      expect(down.details?.reason).toMatch(/a projection step has been running for \d+ s/);
    } finally {
      await locker.query('COMMIT');
      await locker.end();
    }
    await waitFor('projection UP again', async () => (await projection()).status === 'UP');
  }, 60_000);

  it("projects what this process's writers commit at once, not after the projector's idle pause", async () => {
    // stopped, not killed: a member that leaves the group lets the next one in at once, where a
    // killed one holds the group's rebalance for its whole session timeout
    await service?.stop();
    // a pause far longer than the deadlines below: only the writers' commits can start the steps
    service = await ServiceProcess.start('audit-ingest', { ...stack.env, AUDIT_PROJECTION_IDLE_MS: '10000' });
    const before = await count('audit_event_search');
    await publish(3);
    await waitFor('the first events projected', async () => (await count('audit_event_search')) === before + 3, {
      timeoutMs: 30_000,
    });
    // the projector has just begun its idle pause: the next commit must end it
    await publish(2);
    await waitFor('the next events stored', async () => (await count('audit_events')) === before + 5);
    await waitFor(
      'the next events projected well within the idle pause',
      async () => (await count('audit_event_search')) === before + 5,
      { timeoutMs: 4_000 },
    );
  }, 60_000);
});
