import { deadLetterMessage } from './dead-letter';

describe('deadLetterMessage', () => {
  it('carries the reason, the original bytes, key, headers and where the record came from', () => {
    const original = Buffer.from([0xff, 0x00, 0x7b]);
    const message = deadLetterMessage(
      {
        record: {
          topic: 'audit.events.v1',
          partition: 2,
          offset: '41',
          key: Buffer.from('acme'),
          value: original,
          headers: { ce_id: 'x' },
          timestamp: '1763900000000',
          size: 7,
        },
        reason: 'EVENT.NOT_JSON',
        message: 'the value is not valid JSON',
      },
      new Date('2026-11-23T00:00:00Z'),
    );
    expect(message.key).toEqual(Buffer.from('acme'));
    expect(message.headers).toMatchObject({ 'meshtrail-dlq-reason': 'EVENT.NOT_JSON' });
    const value = JSON.parse(String(message.value));
    expect(value).toEqual({
      reason: 'EVENT.NOT_JSON',
      message: 'the value is not valid JSON',
      source: { topic: 'audit.events.v1', partition: 2, offset: '41', timestamp: '1763900000000' },
      key: 'acme',
      headers: { ce_id: 'x' },
      valueBase64: original.toString('base64'),
      deadLetteredAt: '2026-11-23T00:00:00.000Z',
    });
    expect(Buffer.from(value.valueBase64, 'base64')).toEqual(original);
  });
});
