import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Kafka,
} from 'kafkajs';
import { AuditEventPublisher, EVENT_FAILURES, TOPICS, type AuditEventInput } from '@meshtrail/contracts';
import { createKafkaClient, KafkaAdmin, KafkaProducer } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import { fixtureCloudEvent } from '../support/audit-events';
import { brokerStateDir, freePortPair, kafkaLocal } from '../support/kafka-local';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

const password = () => randomBytes(12).toString('hex');
const USERS = { admin: password(), meshtrail: password(), identity: password(), platform: password() };
type User = keyof typeof USERS;

const grantFixture = {
  objectType: 'WorkspaceAccess',
  objectId: 'u-granted',
  action: 'granted',
  workspace: 'ws-acl',
  actor: { kind: 'user' as const, id: 'u-owner', displayName: 'Owner' },
  change: 'added u-granted as Workspace Manager',
  changes: [{ field: 'role', to: 'Workspace Manager' }],
};
const grant: AuditEventInput = { data: grantFixture };

function allow(principal: User, type: AclResourceTypes, name: string, operation: AclOperationTypes, prefixed = false) {
  return {
    resourceType: type,
    resourceName: name,
    resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    principal: `User:${principal}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  } as AclEntry;
}

/**
 * The grants topic secured as the README sets it up, on a broker of the test's own with SASL/SCRAM
 * and ACLs switched on: only the identity user may write access.grants.v1; a platform component
 * that may write audit.events.v1 cannot, and its grant there is dead-lettered; audit-ingest reads
 * both as its own SCRAM user.
 */
describe('the grants topic behind SASL/SCRAM and ACLs (a secured broker of its own)', () => {
  let port: number;
  let stack: TestStack;
  let ingest: ServiceProcess | undefined;
  const clients: KafkaProducer[] = [];

  const brokers = () => [`127.0.0.1:${port}`];
  const client = (user: User): Kafka =>
    createKafkaClient(
      {
        KAFKA_BROKERS: brokers(),
        KAFKA_SSL: false,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: user,
        KAFKA_SASL_PASSWORD: USERS[user],
      },
      `acl-e2e-${user}`,
      { retry: { retries: 1 } },
    );
  const producerOf = (user: User) => {
    const producer = new KafkaProducer(client(user));
    clients.push(producer);
    return producer;
  };

  beforeAll(async () => {
    port = await freePortPair();
    await kafkaLocal('start', port, {
      KAFKA_SECURITY: 'sasl-scram',
      KAFKA_ADMIN_USER: 'admin',
      KAFKA_ADMIN_PASSWORD: USERS.admin,
      KAFKA_SCRAM_USERS: (['meshtrail', 'identity', 'platform'] as const).map((u) => `${u}:${USERS[u]}`).join(','),
    });
    stack = await createTestStack('grantsacl');
    const prefix = stack.topicPrefix;
    const admin = new KafkaAdmin(client('admin'));
    try {
      await admin.provision(
        planTopics({
          prefix,
          partitions: 3,
          replicationFactor: 1,
          retentionHours: 24,
          deadLetterRetentionHours: 24,
          telemetryRetentionHours: 24,
        }),
      );
      // the README's ACLs, with the installation's prefix
      const { READ, WRITE, DESCRIBE } = AclOperationTypes;
      const { TOPIC, GROUP, CLUSTER } = AclResourceTypes;
      const acls = client('admin').admin();
      await acls.connect();
      await acls
        .createAcls({
          acl: [
            allow('meshtrail', TOPIC, prefix, READ, true),
            allow('meshtrail', TOPIC, prefix, DESCRIBE, true),
            allow('meshtrail', GROUP, `${prefix}meshtrail.`, READ, true),
            allow('meshtrail', GROUP, `${prefix}meshtrail.`, DESCRIBE, true),
            allow('meshtrail', TOPIC, stack.topic(TOPICS.auditEventsDeadLetter), WRITE),
            allow('meshtrail', TOPIC, stack.topic(TOPICS.auditCheckpoints), WRITE),
            allow('meshtrail', CLUSTER, 'kafka-cluster', DESCRIBE),
            allow('identity', TOPIC, stack.topic(TOPICS.accessGrants), WRITE),
            allow('identity', TOPIC, stack.topic(TOPICS.accessGrants), DESCRIBE),
            allow('platform', TOPIC, stack.topic(TOPICS.auditEvents), WRITE),
            allow('platform', TOPIC, stack.topic(TOPICS.auditEvents), DESCRIBE),
          ],
        })
        .finally(() => acls.disconnect());
    } finally {
      await admin.close();
    }
    ingest = await ServiceProcess.start(
      'audit-ingest',
      {
        ...stack.env,
        KAFKA_BROKERS: brokers().join(','),
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'meshtrail',
        KAFKA_SASL_PASSWORD: USERS.meshtrail,
      },
      60_000,
    );
  }, 180_000);
  afterAll(async () => {
    for (const producer of clients) await producer.close().catch(() => undefined);
    await ingest?.stop();
    await stack?.teardown();
    if (port) {
      await kafkaLocal('stop', port);
      fs.rmSync(brokerStateDir(port), { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a platform component that writes audit.events.v1 when it writes the grants topic', async () => {
    const platform = producerOf('platform');
    const event = fixtureCloudEvent({ ...grantFixture, time: new Date() });
    await expect(
      platform.send(stack.topic(TOPICS.accessGrants), [{ key: 'ws-acl', value: JSON.stringify(event) }]),
    ).rejects.toThrow(/not authorized|authorization/i);
  });

  it("dead-letters the platform component's grant on audit.events.v1, and takes the identity component's", async () => {
    const forged = fixtureCloudEvent({ ...grantFixture, time: new Date(), objectId: 'u-forged' });
    await producerOf('platform').send(stack.topic(TOPICS.auditEvents), [
      { key: 'ws-acl', value: JSON.stringify(forged) },
    ]);
    const authority = new AuditEventPublisher({
      sink: producerOf('identity'),
      source: 'meshstack/identity',
      topicPrefix: stack.topicPrefix,
      topic: TOPICS.accessGrants,
    });
    await authority.publish(grant);

    const [letter] = await waitFor(
      'the forged grant dead-lettered',
      () =>
        stack
          .query<{ reason: string; source_topic: string }>(
            `SELECT reason, source_topic FROM dead_letters WHERE value_sha256 = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
            [JSON.stringify(forged)],
          )
          .then((rows) => rows.length > 0 && rows),
      { timeoutMs: 60_000 },
    );
    expect(letter).toEqual({
      reason: EVENT_FAILURES.GRANT_NOT_FROM_AUTHORITY,
      source_topic: stack.topic(TOPICS.auditEvents),
    });
    const memberships = await waitFor(
      "the identity component's grant projected",
      () =>
        stack
          .query<{ user_id: string; role: string }>(
            `SELECT user_id, role FROM workspace_memberships WHERE workspace = 'ws-acl'`,
          )
          .then((rows) => rows.length > 0 && rows),
      { timeoutMs: 60_000 },
    );
    expect(memberships).toEqual([{ user_id: 'u-granted', role: 'Workspace Manager' }]);
    const health = (await (await fetch(`${ingest!.url}/actuator/health`)).json()) as { status: string };
    expect(health.status).toBe('UP');
  });
});
