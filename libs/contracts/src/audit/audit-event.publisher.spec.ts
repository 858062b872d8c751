import { Kafka } from 'kafkajs';
import { AuditEventPublisher, AuditEventRejectedError } from './audit-event.publisher';

// A client that is never connected: these tests stop before anything would be sent.
const kafka = new Kafka({ clientId: 'publisher-spec', brokers: ['127.0.0.1:1'] });
const now = () => new Date('2026-11-23T12:00:00Z');
const publisher = new AuditEventPublisher({ kafka, source: 'meshstack/projects', now });
const data = {
  objectType: 'project',
  objectId: 'p-1',
  action: 'add',
  workspace: 'acme',
  actor: { kind: 'user' as const, id: 'u-1', displayName: 'Jane' },
  change: 'created project p-1',
};

describe('AuditEventPublisher', () => {
  it('fills in the envelope: a UUID id, now, a type from the canonical object type and action, the object as subject', () => {
    const event = publisher.toCloudEvent({ data });
    expect(event).toMatchObject({
      specversion: '1.0',
      source: 'meshstack/projects',
      type: 'meshstack.project.created',
      subject: 'p-1',
      time: '2026-11-23T12:00:00.000Z',
      datacontenttype: 'application/json',
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an invalid event locally, naming the field, before anything is sent', async () => {
    const rejected = publisher.publish([{ data }, { data: { ...data, actor: undefined as never } }]);
    await expect(rejected).rejects.toBeInstanceOf(AuditEventRejectedError);
    await expect(rejected).rejects.toMatchObject({ index: 1, code: 'EVENT.NO_ACTOR' });
    await expect(publisher.publish({ data: { ...data, objectType: 'Spaceship' } })).rejects.toThrow(
      /#0 refused \(EVENT.UNKNOWN_OBJECT_TYPE\): data.objectType: "Spaceship"/,
    );
  });
});
