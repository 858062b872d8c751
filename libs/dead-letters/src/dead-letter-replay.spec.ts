import { validateAuditEvent } from '@meshtrail/contracts';
import { deadLetterTopicOf } from './dead-letter-topics';
import { deadLettersReplayed } from './dead-letter-replay.audit';
import { replayMessage, replaySelection } from './replay-dead-letters';
import type { StoredDeadLetterRow } from './dead-letter.store';

const AT = new Date('2026-11-23T10:00:00Z');

describe('deadLettersReplayed', () => {
  const event = deadLettersReplayed({
    replayId: '6f1c2d3e-0000-4000-8000-000000000001',
    at: AT,
    by: { kind: 'apiKey', id: 'k-1', name: 'ops-admin' },
    filters: { topic: 'audit.events.v1', since: new Date('2026-11-01T00:00:00Z'), replayed: false },
    replayed: 3,
    topics: { 'audit.events.v1': 3 },
    ids: ['1', '2', '3'],
  });

  it('says who replayed how many dead letters with which filters, as a valid global audit event', () => {
    expect(event.data).toMatchObject({
      objectType: 'DeadLetter',
      action: 'updated',
      actor: { kind: 'apiKey', id: 'k-1', displayName: 'ops-admin' },
      change:
        'replayed 3 dead letters to their source topics (filters: topic=audit.events.v1 since=2026-11-01T00:00:00.000Z replayed=false)',
    });
    expect(event.data.workspace).toBeUndefined();
    const envelope = {
      specversion: '1.0',
      id: event.id,
      source: 'meshtrail/gateway',
      type: event.type,
      subject: event.subject,
      time: AT.toISOString(),
      data: event.data,
    };
    expect(validateAuditEvent(envelope, { now: AT, maxFutureSkewMs: 0 })).toMatchObject({ ok: true });
  });

  it('derives its id from the replay, so publishing it again stores it once', () => {
    expect(event.id).toBe('dead-letter-replay-6f1c2d3e-0000-4000-8000-000000000001');
  });
});

describe('replaySelection', () => {
  it('replays dead letters never replayed, unless ids name them', () => {
    expect(replaySelection({ reason: 'R' })).toEqual({ reason: 'R', replayed: false });
    expect(replaySelection({ ids: ['4'] })).toEqual({ ids: ['4'] });
    expect(replaySelection({ replayed: true })).toEqual({ replayed: true });
  });
});

describe('replayMessage', () => {
  it('is the original key, value and headers, plus the header naming the dead letter', () => {
    const row = {
      id: '42',
      key: Buffer.from('acme'),
      value: Buffer.from([0xff, 0x00]),
      headers: { 'content-type': 'application/json', gone: null },
    } as unknown as StoredDeadLetterRow;
    expect(replayMessage(row)).toEqual({
      key: Buffer.from('acme'),
      value: Buffer.from([0xff, 0x00]),
      headers: { 'content-type': 'application/json', 'meshtrail-replay-of': '42' },
    });
  });
});

describe('deadLetterTopicOf', () => {
  const prefixed = (name: string) => `p-${name}`;
  it('maps the audit and Keycloak topics to audit.events.dlq.v1, access logs to access-logs.dlq.v1, others to none', () => {
    expect(deadLetterTopicOf('p-audit.events.v1', prefixed)).toBe('p-audit.events.dlq.v1');
    expect(deadLetterTopicOf('p-access.grants.v1', prefixed)).toBe('p-audit.events.dlq.v1');
    expect(deadLetterTopicOf('p-keycloak.events.raw.v1', prefixed)).toBe('p-audit.events.dlq.v1');
    expect(deadLetterTopicOf('p-access-logs.v1', prefixed)).toBe('p-access-logs.dlq.v1');
    expect(deadLetterTopicOf('p-telemetry.otlp.v1', prefixed)).toBeUndefined();
    expect(deadLetterTopicOf('audit.events.v1', prefixed)).toBeUndefined();
  });
});
