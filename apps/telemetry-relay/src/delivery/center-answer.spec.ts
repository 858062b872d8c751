import fc from 'fast-check';
import { hostileString, propertySeed } from '../../../../test/support/storable-arbitraries';
import { centerAnswerOf } from './center-answer';

describe('centerAnswerOf', () => {
  it('reads status, description and scalar minimums from a JSON object', () => {
    const body = Buffer.from(
      JSON.stringify({
        status: 'ok',
        description: 'known',
        minimums: { relayVersion: '0.1.0', n: 2, deep: { x: 1 } },
        extra: 1,
      }),
    );
    expect(centerAnswerOf(body)).toEqual({
      status: 'ok',
      description: 'known',
      minimums: { relayVersion: '0.1.0', n: 2 },
    });
  });

  it('is no answer for an empty body, protobuf, HTML or JSON without its fields', () => {
    expect(centerAnswerOf(Buffer.alloc(0))).toBeUndefined();
    expect(centerAnswerOf(Buffer.from([0x0a, 0x00]))).toBeUndefined();
    expect(centerAnswerOf(Buffer.from('<html>'))).toBeUndefined();
    expect(centerAnswerOf(Buffer.from('{"accepted":3}'))).toBeUndefined();
    expect(centerAnswerOf(Buffer.from('["ok"]'))).toBeUndefined();
  });

  it('property: never throws, and what it keeps is bounded', () => {
    const seed = propertySeed('centerAnswerOf');
    const body = fc.oneof(
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value))),
      fc
        .record({
          status: fc.oneof(hostileString, fc.string({ maxLength: 200 }), fc.integer()),
          description: fc.oneof(hostileString, fc.string({ maxLength: 2000 })),
          minimums: fc.dictionary(fc.string({ maxLength: 100 }), fc.jsonValue(), { maxKeys: 40 }),
        })
        .map((value) => Buffer.from(JSON.stringify(value))),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    );
    fc.assert(
      fc.property(body, (bytes) => {
        const answer = centerAnswerOf(bytes);
        if (!answer) return;
        expect((answer.status ?? '').length).toBeLessThanOrEqual(64);
        expect((answer.description ?? '').length).toBeLessThanOrEqual(500);
        const minimums = Object.entries(answer.minimums ?? {});
        expect(minimums.length).toBeLessThanOrEqual(20);
        for (const [key, value] of minimums) {
          expect(key.length).toBeLessThanOrEqual(64);
          expect(['string', 'number', 'boolean']).toContain(typeof value);
        }
      }),
      { seed, numRuns: 500 },
    );
  });
});
