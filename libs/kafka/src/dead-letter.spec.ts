import { createHash } from 'node:crypto';
import { DEAD_LETTER_BOUNDS, type DeadLetterRecord } from '@meshtrail/contracts';
import type { ConsumedRecord } from './consumed-record';
import { boundHeaders, deadLetterMessage, truncateUtf8 } from './dead-letter';

function consumed(overrides: Partial<ConsumedRecord> = {}): ConsumedRecord {
  return {
    topic: 'audit.events.v1',
    partition: 2,
    offset: '41',
    key: Buffer.from('acme'),
    value: Buffer.from([0xff, 0x00, 0x7b]),
    headers: { ce_id: 'x' },
    timestamp: '1763900000000',
    size: 7,
    ...overrides,
  };
}

const AT = new Date('2026-11-23T00:00:00Z');
const parse = (value: unknown) => JSON.parse(String(value)) as DeadLetterRecord;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('deadLetterMessage', () => {
  it('carries the reason, the original bytes, key, headers and where the record came from', () => {
    const original = Buffer.from([0xff, 0x00, 0x7b]);
    const message = deadLetterMessage(
      { record: consumed(), reason: 'EVENT.NOT_JSON', message: 'the value is not valid JSON' },
      AT,
      { id: '17' },
    );
    expect(message.key).toEqual(Buffer.from('acme'));
    expect(message.headers).toMatchObject({ 'meshtrail-dlq-reason': 'EVENT.NOT_JSON' });
    const value = parse(message.value);
    expect(value).toEqual({
      reason: 'EVENT.NOT_JSON',
      message: 'the value is not valid JSON',
      source: { topic: 'audit.events.v1', partition: 2, offset: '41', timestamp: '1763900000000' },
      key: 'acme',
      keyBase64: Buffer.from('acme').toString('base64'),
      headers: { ce_id: 'x' },
      valueBase64: original.toString('base64'),
      valueSize: 3,
      valueSha256: sha256(original),
      storedAs: { table: 'dead_letters', id: '17' },
      deadLetteredAt: '2026-11-23T00:00:00.000Z',
    });
    expect(Buffer.from(value.valueBase64!, 'base64')).toEqual(original);
  });

  it('leaves a 1 MB original out, giving its size, SHA-256 and where it is kept whole', () => {
    const original = Buffer.alloc(1_048_576, 0x61);
    const message = deadLetterMessage(
      { record: consumed({ value: original }), reason: 'EVENT.TOO_LARGE', message: 'the event is over 1 MiB' },
      AT,
      { id: '99' },
    );
    const size = Buffer.byteLength(String(message.value)) + (message.key?.length ?? 0);
    expect(size).toBeLessThan(4096);
    expect(parse(message.value)).toMatchObject({
      reason: 'EVENT.TOO_LARGE',
      key: null,
      valueBase64: null,
      originalOmitted: true,
      valueSize: 1_048_576,
      valueSha256: sha256(original),
      storedAs: { table: 'dead_letters', id: '99' },
    });
    // the small key still keys the dead letter
    expect(message.key).toEqual(Buffer.from('acme'));
  });

  it('carries an original of exactly the inline bound, and not one byte more', () => {
    const key = Buffer.from('acme');
    const fits = Buffer.alloc(DEAD_LETTER_BOUNDS.inlineOriginalBytes - key.length, 0x62);
    const inline = parse(
      deadLetterMessage({ record: consumed({ key, value: fits }), reason: 'R', message: 'm' }).value,
    );
    expect(inline.valueBase64 === fits.toString('base64')).toBe(true);
    const over = Buffer.alloc(fits.length + 1, 0x62);
    const omitted = parse(
      deadLetterMessage({ record: consumed({ key, value: over }), reason: 'R', message: 'm' }).value,
    );
    expect(omitted).toMatchObject({ valueBase64: null, originalOmitted: true, valueSize: over.length });
  });

  it('keeps the record under its bound when a binary key would decode to three times its size', () => {
    const key = Buffer.alloc(200_000, 0xff);
    const message = deadLetterMessage({ record: consumed({ key, value: null }), reason: 'R', message: 'm' });
    expect(Buffer.byteLength(String(message.value)) + (message.key?.length ?? 0)).toBeLessThanOrEqual(
      DEAD_LETTER_BOUNDS.recordBytes,
    );
    expect(parse(message.value)).toMatchObject({ originalOmitted: true, valueSize: 0, valueSha256: null });
    expect(message.key).toBeNull();
  });

  it('cuts a 100 KiB message to 4 KiB, on a character boundary, and says so', () => {
    const long = 'é€😀'.repeat(Math.ceil(102_400 / 9));
    const value = parse(deadLetterMessage({ record: consumed(), reason: 'EVENT.INVALID_SCHEMA', message: long }).value);
    expect(Buffer.byteLength(value.message)).toBeLessThanOrEqual(DEAD_LETTER_BOUNDS.messageBytes);
    expect(Buffer.byteLength(value.message)).toBeGreaterThan(DEAD_LETTER_BOUNDS.messageBytes - 8);
    expect(value.message).not.toContain('\uFFFD');
    expect(value.message.endsWith('…')).toBe(true);
    expect(long.startsWith(value.message.slice(0, -1))).toBe(true);
    expect(value.messageTruncated).toBe(true);
  });

  it('bounds the headers in count and size', () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`h${i}`, 'v'.repeat(5000)]));
    const value = parse(deadLetterMessage({ record: consumed({ headers: many }), reason: 'R', message: 'm' }).value);
    expect(Object.keys(value.headers).length).toBeLessThanOrEqual(DEAD_LETTER_BOUNDS.headerCount);
    expect(value.headers.h0).toHaveLength(DEAD_LETTER_BOUNDS.headerValueBytes - 2);
    expect(value.headersTruncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(value.headers))).toBeLessThan(2 * DEAD_LETTER_BOUNDS.headersBytes);
  });
});

describe('truncateUtf8', () => {
  it('leaves short text alone and replaces NUL', () => {
    expect(truncateUtf8('abc', 3)).toEqual({ text: 'abc', truncated: false });
    expect(truncateUtf8('a\0b', 10)).toEqual({ text: 'a\uFFFDb', truncated: false });
  });

  it('never splits a character', () => {
    for (let max = 3; max < 20; max++) {
      const { text, truncated } = truncateUtf8('😀😀😀😀😀😀', max);
      expect(truncated).toBe(true);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(max);
      expect(text).not.toContain('\uFFFD');
    }
  });
});

describe('boundHeaders', () => {
  it('keeps headers within bounds untouched', () => {
    expect(boundHeaders({ a: '1', b: undefined })).toEqual({ headers: { a: '1', b: undefined }, truncated: false });
  });
});
