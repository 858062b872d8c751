import { chunksOf } from './dead-letter-queue';

describe('chunksOf', () => {
  const message = (bytes: number) => ({ key: null, value: 'x'.repeat(bytes) });

  it('keeps many bounded dead letters of one batch under the limit per send, in order', () => {
    const messages = Array.from({ length: 20 }, (_, i) => ({ ...message(200 * 1024), headers: { n: String(i) } }));
    const chunks = chunksOf(messages, 900 * 1024);
    expect(chunks.map((chunk) => chunk.length)).toEqual([4, 4, 4, 4, 4]);
    expect(chunks.flat()).toEqual(messages);
  });

  it('sends a message larger than the limit alone rather than never', () => {
    expect(chunksOf([message(10), message(2000), message(10)], 1000).map((chunk) => chunk.length)).toEqual([1, 1, 1]);
  });
});
