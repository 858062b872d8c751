import { BatchedLineWriter } from './line-writer';

describe('BatchedLineWriter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes the lines of an interval in one chunk, whole and in order', () => {
    const chunks: string[] = [];
    const writer = new BatchedLineWriter((chunk) => chunks.push(chunk), 50, 1000);
    writer.write('a');
    writer.write('b');
    expect(chunks).toEqual([]);
    jest.advanceTimersByTime(50);
    expect(chunks).toEqual(['a\nb\n']);
    writer.write('c');
    jest.advanceTimersByTime(50);
    expect(chunks).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once when the pending text reaches its bound, and on flush()', () => {
    const chunks: string[] = [];
    const writer = new BatchedLineWriter((chunk) => chunks.push(chunk), 50, 10);
    writer.write('12345');
    writer.write('6789');
    expect(chunks).toEqual(['12345\n6789\n']);
    writer.write('x');
    writer.flush();
    expect(chunks).toEqual(['12345\n6789\n', 'x\n']);
    jest.advanceTimersByTime(100);
    expect(chunks).toHaveLength(2);
  });
});
