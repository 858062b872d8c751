import type { OutgoingRecord } from '../record-sink';
import { AuditEventPublisher, AuditEventRejectedError } from './audit-event.publisher';

// A sink that keeps what it is given, in memory: what the publisher hands over is the contract.
const sent: Array<{ topic: string; records: OutgoingRecord[] }> = [];
const sink = {
  send: async (topic: string, records: OutgoingRecord[]) => {
    sent.push({ topic, records });
  },
};
const now = () => new Date('2026-11-23T12:00:00Z');
const publisher = new AuditEventPublisher({ sink, source: 'meshstack/projects', now });
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

  it('hands the sink one CloudEvent record per event, keyed by workspace (global when none), to the prefixed topic', async () => {
    sent.length = 0;
    const prefixed = new AuditEventPublisher({ sink, source: 'meshstack/projects', now, topicPrefix: 'dev.' });
    const published = await prefixed.publish([
      { id: 'e-1', data },
      { id: 'e-2', data: { ...data, objectType: 'TagDefinition', workspace: undefined } },
    ]);
    expect(published).toEqual([
      { id: 'e-1', key: 'acme' },
      { id: 'e-2', key: 'global' },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe('dev.audit.events.v1');
    expect(sent[0].records.map((record) => record.key)).toEqual(['acme', 'global']);
    expect(sent[0].records[0].headers).toEqual({ 'content-type': 'application/cloudevents+json' });
    expect(JSON.parse(String(sent[0].records[0].value))).toMatchObject({
      id: 'e-1',
      type: 'meshstack.project.created',
    });
  });

  it('refuses an invalid event locally, naming the field, before anything is sent', async () => {
    sent.length = 0;
    const rejected = publisher.publish([{ data }, { data: { ...data, actor: undefined as never } }]);
    await expect(rejected).rejects.toBeInstanceOf(AuditEventRejectedError);
    await expect(rejected).rejects.toMatchObject({ index: 1, code: 'EVENT.NO_ACTOR' });
    await expect(publisher.publish({ data: { ...data, objectType: 'Spaceship' } })).rejects.toThrow(
      /#0 refused \(EVENT.UNKNOWN_OBJECT_TYPE\): data.objectType: "Spaceship"/,
    );
    expect(sent).toEqual([]);
  });
});
