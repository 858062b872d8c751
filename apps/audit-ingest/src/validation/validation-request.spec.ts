import fc from 'fast-check';
import { validateAuditEvent } from '@meshtrail/contracts';
import { auditEventFields } from '@meshtrail/audit-store';
import type { ConsumedRecord } from '@meshtrail/kafka';
import { copiedText, readCopyLine } from '../../../../test/support/copy-text';
import { propertySeed, someAuditEvent } from '../../../../test/support/storable-arbitraries';
import { packRequest, toValidationResult, unpackOptions, unpackValues } from './validation-request';

const record = (value: Buffer | null, headers: Record<string, string | undefined> = {}): ConsumedRecord => ({
  topic: 'audit.events.v1',
  partition: 0,
  offset: '0',
  key: null,
  value,
  headers,
  timestamp: '0',
  size: value?.length ?? 0,
});

describe('packRequest and unpackValues', () => {
  it('carry every value byte for byte, records without a value included, with their headers', () => {
    // values that are slices of one larger buffer, as kafkajs hands them over
    const fetched = Buffer.from('xx{"id":"a"}yy{"id":"ü-b"}zz');
    const first = fetched.subarray(2, 12);
    const second = fetched.subarray(14, 27);
    const records = [record(first), record(null), record(Buffer.alloc(0)), record(second, { ce_specversion: '1.0' })];
    const options = {
      now: new Date('2026-11-23T00:00:00Z'),
      maxFutureSkewMs: 300_000,
      oldest: new Date('2010-01-01T00:00:00Z'),
    };
    const request = packRequest(records, options);

    expect(request.values.byteLength).toBe(first.length + second.length);
    expect(request.headers[3]).toEqual({ ce_specversion: '1.0' });
    expect(request).toMatchObject({ now: Date.parse('2026-11-23T00:00:00Z'), maxFutureSkewMs: 300_000 });
    expect(unpackOptions(structuredClone(request))).toEqual(options);
    const withoutOldest = packRequest(records, { now: options.now, maxFutureSkewMs: 0 });
    expect(unpackOptions(structuredClone(withoutOldest))).toEqual({
      now: options.now,
      maxFutureSkewMs: 0,
      oldest: undefined,
    });

    const values = unpackValues(structuredClone(request));
    expect(values.map((value) => value?.toString('utf8') ?? null)).toEqual(['{"id":"a"}', null, '', '{"id":"ü-b"}']);
  });
});

describe('toValidationResult', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const options = { now, maxFutureSkewMs: 300_000, oldest: new Date('2000-01-01T00:00:00Z') };
  const seed = propertySeed('toValidationResult');

  it('given a valid event, when it crosses threads, then its row arrives without the event object', () => {
    const result = validateAuditEvent(
      {
        specversion: '1.0',
        id: 'evt-1',
        source: 'meshstack/projects',
        type: 'meshstack.project.created',
        time: '2026-11-23T11:59:00Z',
        zeta: { b: [1, { d: null, c: 'ü\tx' }], a: true },
        data: {
          objectType: 'project',
          objectId: 'p-1',
          action: 'add',
          workspace: 'acme',
          actor: { kind: 'user', id: 'u-1', displayName: 'Anna' },
          change: 'created project p-1 in acme\\',
        },
      },
      options,
    );
    if (!result.ok) throw new Error(result.message);
    const arrived = structuredClone(toValidationResult(result));
    expect(arrived).not.toHaveProperty('event');
    expect(arrived).toMatchObject({ ok: true, id: 'evt-1', objectType: 'Project', action: 'created' });
    expect(arrived).toMatchObject({ occurredAt: result.occurredAt, hash: result.hash });
    const fields = readCopyLine((arrived as { rowText: string }).rowText);
    expect(fields).toHaveLength(auditEventFields(result).length);
    expect(fields[0]).toBe('evt-1');
    expect(fields[13]).toBe('created project p-1 in acme\\');
    expect(fields[17]).toBe(result.json);
  });

  it('given a refusal, when it crosses threads, then it arrives as it was', () => {
    const result = validateAuditEvent({ specversion: '1.0' }, options);
    expect(result.ok).toBe(false);
    expect(structuredClone(toValidationResult(result))).toEqual(result);
  });

  it('property: any event validation accepts arrives as the row of its fields, the canonical JSON among them', () => {
    let accepted = 0;
    fc.assert(
      fc.property(someAuditEvent(now), (candidate) => {
        const result = validateAuditEvent(candidate, options);
        if (!result.ok) return;
        accepted++;
        const arrived = structuredClone(toValidationResult(result));
        if (!arrived.ok) throw new Error('a valid event arrived as a refusal');
        expect([arrived.id, arrived.hash, arrived.occurredAt]).toEqual([
          result.event.id,
          result.hash,
          result.occurredAt,
        ]);
        expect(readCopyLine(arrived.rowText)).toEqual(auditEventFields(result).map(copiedText));
      }),
      { seed, verbose: true, numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(30);
  });
});
