import type { ConsumedRecord } from '@meshtrail/kafka';
import { packRequest, unpackOptions, unpackValues } from './validation-request';

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
