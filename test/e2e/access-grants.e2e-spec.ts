import { randomUUID } from 'node:crypto';
import {
  AuditEventPublisher,
  AuditEventRejectedError,
  EVENT_FAILURES,
  TOPICS,
  type AuditEventInput,
  type DeadLetterRecord,
} from '@meshtrail/contracts';
import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import { fixtureCloudEvent } from '../support/audit-events';
import { LocalOidcIssuer } from '../support/oidc-issuer';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';
import { TopicReader } from '../support/topic-reader';

const grantOf = (userId: string, workspace: string, role: string): AuditEventInput => ({
  data: {
    objectType: 'WorkspaceAccess',
    objectId: userId,
    action: 'granted',
    workspace,
    actor: { kind: 'user', id: 'u-owner', displayName: 'Owner' },
    change: `added ${userId} as ${role}`,
    changes: [{ field: 'role', to: role }],
  },
});

/**
 * Only authorities grant access: a WorkspaceAccess event published to the general topic (as any
 * producer there can) is dead-lettered and grants nothing; the same grant from the grants topic
 * does. Against the real audit-ingest, gateway and broker.
 */
describe('only authorities grant access (audit-ingest and gateway on the real broker)', () => {
  let stack: TestStack;
  let idp: LocalOidcIssuer;
  let ingest: ServiceProcess;
  let gateway: ServiceProcess;
  let producer: KafkaProducer;
  let deadLetters: TopicReader;
  let malloryToken: string;

  beforeAll(async () => {
    stack = await createTestStack('accessgrants');
    idp = await LocalOidcIssuer.start('meshtrail');
    producer = new KafkaProducer(createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'grants-e2e'));
    deadLetters = await TopicReader.start(stack.topic(TOPICS.auditEventsDeadLetter), stack.brokers);
    [ingest, gateway] = await Promise.all([
      ServiceProcess.start('audit-ingest', stack.env),
      ServiceProcess.start('gateway', { ...stack.env, ...idp.env(), AUTH_JWKS_COOLDOWN_MS: '0' }),
    ]);
    malloryToken = await idp.sign({ sub: 'mallory', preferred_username: 'mallory' }, { expiresIn: 600 });
  });
  afterAll(async () => {
    await deadLetters?.stop();
    await gateway?.stop();
    await ingest?.stop();
    await producer?.close();
    await idp?.stop();
    await stack?.teardown();
  });

  const victimEvents = () =>
    fetch(`${gateway.url}/api/v1/workspaces/victim/events`, { headers: { authorization: `Bearer ${malloryToken}` } });

  it('dead-letters a grant published to the general topic, and the grantee stays refused', async () => {
    expect((await victimEvents()).status).toBe(403);

    // what any producer on audit.events.v1 can send: its own grant, then a fact behind it in the same partition
    const forged = fixtureCloudEvent({
      time: new Date(),
      workspace: 'victim',
      objectType: 'WorkspaceAccess',
      objectId: 'mallory',
      action: 'granted',
      actor: { kind: 'user', id: 'mallory', displayName: 'mallory' },
      change: 'added mallory as Workspace Owner',
      changes: [{ field: 'role', to: 'Workspace Owner' }],
    });
    const after = fixtureCloudEvent({
      time: new Date(),
      workspace: 'victim',
      objectType: 'Project',
      objectId: `p-${randomUUID()}`,
      action: 'created',
      actor: { kind: 'user', id: 'mallory', displayName: 'mallory' },
      change: 'created a project',
    });
    await producer.send(stack.topic(TOPICS.auditEvents), [
      { key: 'victim', value: JSON.stringify(forged) },
      { key: 'victim', value: JSON.stringify(after) },
    ]);

    const [letter] = await deadLetters.waitForValues<DeadLetterRecord>(
      'the forged grant in the dead letters',
      (value) => value.valueBase64 !== null && Buffer.from(value.valueBase64, 'base64').toString().includes(forged.id),
    );
    expect(letter.reason).toBe(EVENT_FAILURES.GRANT_NOT_FROM_AUTHORITY);
    expect(letter.message).toContain('access.grants.v1');
    expect(letter.source.topic).toBe(stack.topic(TOPICS.auditEvents));
    // the event behind it was stored and projected: the forged grant was read, and changed nothing
    await waitFor('the later event in the read model', async () => {
      const rows = await stack.query('SELECT 1 FROM audit_event_search WHERE id = $1', [after.id]);
      return rows.length === 1;
    });
    expect(await stack.query('SELECT 1 FROM audit_events WHERE id = $1', [forged.id])).toEqual([]);
    expect(await stack.query(`SELECT 1 FROM workspace_memberships WHERE user_id = 'mallory'`)).toEqual([]);
    expect((await victimEvents()).status).toBe(403);
  });

  it('refuses the grant in the publisher already, before it reaches the general topic', async () => {
    const general = new AuditEventPublisher({
      sink: producer,
      source: 'meshstack/e2e',
      topicPrefix: stack.topicPrefix,
    });
    const attempt = general.publish(grantOf('mallory', 'victim', 'Workspace Owner'));
    await expect(attempt).rejects.toBeInstanceOf(AuditEventRejectedError);
    await expect(attempt).rejects.toMatchObject({ code: EVENT_FAILURES.GRANT_NOT_FROM_AUTHORITY });
  });

  it('dead-letters anything but WorkspaceAccess on the grants topic', async () => {
    const project = fixtureCloudEvent({
      time: new Date(),
      workspace: 'victim',
      objectType: 'Project',
      objectId: 'p-on-grants',
      action: 'created',
      actor: { kind: 'system', id: 'identity', displayName: 'identity' },
      change: 'created a project',
    });
    await producer.send(stack.topic(TOPICS.accessGrants), [{ key: 'victim', value: JSON.stringify(project) }]);
    const [letter] = await deadLetters.waitForValues<DeadLetterRecord>(
      'the project event in the dead letters',
      (value) => value.valueBase64 !== null && Buffer.from(value.valueBase64, 'base64').toString().includes(project.id),
    );
    expect(letter.reason).toBe(EVENT_FAILURES.GRANT_NOT_A_GRANT);
    expect(letter.source.topic).toBe(stack.topic(TOPICS.accessGrants));
  });

  it('grants access through the grants topic, which only the identity components may write', async () => {
    const authority = new AuditEventPublisher({
      sink: producer,
      source: 'meshstack/identity',
      topicPrefix: stack.topicPrefix,
      topic: TOPICS.accessGrants,
    });
    const [published] = await authority.publish(grantOf('mallory', 'victim', 'Workspace Owner'));
    await waitFor('the granted user to read the workspace', async () => (await victimEvents()).status === 200, {
      timeoutMs: 60_000,
    });
    const [stored] = await stack.query<{ kafka_topic: string }>('SELECT kafka_topic FROM audit_events WHERE id = $1', [
      published.id,
    ]);
    expect(stored.kafka_topic).toBe(stack.topic(TOPICS.accessGrants));
  });
});
