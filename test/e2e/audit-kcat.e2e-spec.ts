import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { AuditEventPublisher, TOPICS } from '@meshtrail/contracts';
import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import { readTopic } from '../support/audit-fixtures';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

/** kcat, a Kafka client that is not ours, as a producer in another language would publish. */
function kcat(args: string[], input: string): void {
  execFileSync('kcat', args, { input, timeout: 30_000 });
}

describe('publishing with kcat (structured and binary CloudEvents, Keycloak log lines)', () => {
  let stack: TestStack;
  let service: ServiceProcess;

  beforeAll(async () => {
    stack = await createTestStack('kcat');
    service = await ServiceProcess.start('audit-ingest', stack.env);
  });
  afterAll(async () => {
    await service.stop();
    await stack.teardown();
  });

  it('stores audit events published with kcat in structured and in binary mode', async () => {
    const broker = stack.brokers[0];
    const topic = stack.topic(TOPICS.auditEvents);
    const structuredId = randomUUID();
    const time = new Date(Date.now() - 1000).toISOString();
    // the README's one-liner
    kcat(
      [
        ...['-P', '-b', broker, '-t', topic, '-k', 'acme', '-H', 'content-type=application/cloudevents+json'],
        ...['-X', 'partitioner=murmur2_random'],
      ],
      JSON.stringify({
        specversion: '1.0',
        id: structuredId,
        source: 'billing-service',
        type: 'meshstack.paymentmethod.created',
        time,
        data: {
          objectType: 'PaymentMethod',
          objectId: 'pm-7',
          action: 'create',
          workspace: 'acme',
          actor: { kind: 'system', id: 'billing', displayName: 'Billing' },
          change: 'created payment method pm-7',
        },
      }) + '\n',
    );
    const binaryId = randomUUID();
    kcat(
      [
        '-P',
        '-b',
        broker,
        '-t',
        topic,
        '-k',
        'acme',
        '-H',
        'ce_specversion=1.0',
        '-H',
        `ce_id=${binaryId}`,
        '-H',
        'ce_source=go-service',
        '-H',
        'ce_type=meshstack.tenant.deleted',
        '-H',
        `ce_time=${time}`,
        '-H',
        'content-type=application/json',
        '-X',
        'partitioner=murmur2_random',
      ],
      JSON.stringify({
        objectType: 'Tenant',
        objectId: 't-9',
        action: 'remove',
        workspace: 'acme',
        actor: { kind: 'user', id: 'u-3', displayName: 'Jo' },
        change: 'deleted tenant t-9',
      }) + '\n',
    );
    const rows = await waitFor('both events stored', async () => {
      const found = await stack.query<{ id: string; action: string; source: string; object_type: string }>(
        'SELECT id, action, source, object_type FROM audit_events ORDER BY seq',
      );
      return found.length >= 2 ? found : undefined;
    });
    expect(rows).toEqual([
      { id: structuredId, action: 'created', source: 'billing-service', object_type: 'PaymentMethod' },
      { id: binaryId, action: 'deleted', source: 'go-service', object_type: 'Tenant' },
    ]);

    // our publisher hashes the key the same way: one workspace, one partition, whoever publishes
    const producer = new KafkaProducer(
      createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'kcat-e2e-publisher'),
    );
    const publisher = new AuditEventPublisher({
      sink: producer,
      source: 'node-service',
      topicPrefix: stack.topicPrefix,
    });
    const [published] = await publisher.publish({
      data: {
        objectType: 'Tenant',
        objectId: 't-10',
        action: 'created',
        workspace: 'acme',
        actor: { kind: 'system', id: 'replicator', displayName: 'Replicator' },
        change: 'created tenant t-10',
      },
    });
    await producer.close();
    const partitions = await waitFor('the Node-published event stored', async () => {
      const found = await stack.query<{ id: string; kafka_partition: number }>(
        'SELECT id, kafka_partition FROM audit_events ORDER BY seq',
      );
      return found.length >= 3 ? found : undefined;
    });
    expect(partitions[2].id).toBe(published.id);
    expect(new Set(partitions.map((row) => row.kafka_partition)).size).toBe(1);
  });

  it('turns Keycloak event log lines into authentication and admin events, and a stray line into a dead letter', async () => {
    const kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'kcat-e2e');
    const dlq = await readTopic(kafka, stack.topic(TOPICS.auditEventsDeadLetter), `${stack.topicPrefix}kcat-dlq`);
    try {
      const lines = [
        '2026-11-23 10:15:32,123 INFO  [org.keycloak.events] (executor-thread-7) type="LOGIN", realmId="meshstack", realmName="meshstack", clientId="meshfed-web", userId="u-42", sessionId="s-1", ipAddress="203.0.113.17", auth_method="openid-connect", username="jane@example.com"',
        '2026-11-23 10:15:40,001 WARN  [org.keycloak.events] (executor-thread-2) type="LOGIN_ERROR", realmId="meshstack", realmName="meshstack", clientId="meshfed-web", userId="null", ipAddress="198.51.100.4", error="invalid_user_credentials", auth_method="openid-connect", username="jane@example.com"',
        '2026-11-23 10:16:01,002 DEBUG [org.keycloak.events] (executor-thread-3) operationType="UPDATE", realmId="meshstack", realmName="meshstack", clientId="admin-cli", userId="u-1", ipAddress="10.1.2.3", resourceType="USER", resourcePath="users/u-42"',
        '2026-11-23 10:16:05,000 INFO  [io.quarkus] (main) Keycloak 26.0.5 started in 9.871s',
      ];
      kcat(
        ['-P', '-b', stack.brokers[0], '-t', stack.topic(TOPICS.keycloakEventsRaw), '-k', 'meshstack'],
        lines.join('\n') + '\n',
      );
      const rows = await waitFor('three Keycloak events stored', async () => {
        const found = await stack.query<{ kind: string; type: string; error: string | null; occurred_at: Date }>(
          'SELECT kind, type, error, occurred_at FROM auth_events ORDER BY occurred_at',
        );
        return found.length >= 3 ? found : undefined;
      });
      expect(rows).toEqual([
        { kind: 'login', type: 'LOGIN', error: null, occurred_at: new Date('2026-11-23T10:15:32.123Z') },
        {
          kind: 'login',
          type: 'LOGIN_ERROR',
          error: 'invalid_user_credentials',
          occurred_at: new Date('2026-11-23T10:15:40.001Z'),
        },
        { kind: 'admin', type: 'UPDATE', error: null, occurred_at: new Date('2026-11-23T10:16:01.002Z') },
      ]);
      const [letter] = await waitFor('the stray line dead-lettered', () =>
        dlq.records.length >= 1 ? dlq.records : undefined,
      );
      expect(letter).toMatchObject({ reason: 'KEYCLOAK.UNPARSEABLE_LINE', key: 'meshstack' });
      expect(Buffer.from(letter.valueBase64!, 'base64').toString()).toBe(lines[3]);
    } finally {
      await dlq.stop();
    }
  });
});
