import { ApiError } from '@meshtrail/auth';
import { CursorCodec } from './cursor';

const codec = new CursorCodec(Buffer.from('a-test-secret-of-sufficient-length'));
const position = { occurredUs: '1767225600123456', seq: '42' };

function refusal(run: () => unknown, parameter = 'cursor'): string {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const body = error.getResponse() as { parameter: string; message: string };
    expect(error.getStatus()).toBe(400);
    expect(body.parameter).toBe(parameter);
    return body.message;
  }
  throw new Error('expected the cursor to be refused');
}

describe('CursorCodec', () => {
  it('round-trips a position for the same filter', () => {
    const cursor = codec.encode(position, 'filter-a');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(codec.decode(cursor, 'filter-a')).toEqual({ ...position, kind: 'audit' });
    const auth = codec.encode({ ...position, kind: 'auth' }, 'filter-a');
    expect(codec.decode(auth, 'filter-a')).toEqual({ ...position, kind: 'auth' });
  });

  it('refuses a cursor whose position was altered, even with a recomputed body', () => {
    const cursor = codec.encode(position, 'filter-a');
    const [body, signature] = cursor.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, string>;
    const altered = Buffer.from(JSON.stringify({ ...payload, s: '1' })).toString('base64url');
    expect(refusal(() => codec.decode(`${altered}.${signature}`, 'filter-a'))).toContain('altered');
  });

  it('refuses a cursor signed with another secret', () => {
    const other = new CursorCodec(Buffer.from('another-secret-of-sufficient-length'));
    expect(refusal(() => codec.decode(other.encode(position, 'filter-a'), 'filter-a'))).toContain('altered');
  });

  it('refuses a cursor used with other filters', () => {
    expect(refusal(() => codec.decode(codec.encode(position, 'filter-a'), 'filter-b'))).toContain('other filters');
  });

  it.each(['', 'abc', 'x.y', `${'a'.repeat(600)}.${'b'.repeat(22)}`, "'; DROP TABLE audit_events; --"])(
    'refuses garbage %j',
    (cursor) => expect(refusal(() => codec.decode(cursor, 'filter-a'))).toContain('not a cursor'),
  );
});

describe('CursorCodec, feed cursors', () => {
  const at = { xactId: '18446744073709551615', seq: '9223372036854775807' };

  const feedRefusal = (run: () => unknown) => refusal(run, 'after');

  it('round-trips a commit-order position, up to the largest transaction id and seq', () => {
    expect(codec.decodeFeed(codec.encodeFeed(at), 'after')).toEqual(at);
    expect(codec.decodeFeed(codec.encodeFeed({ xactId: '0', seq: '0' }), 'after')).toEqual({ xactId: '0', seq: '0' });
  });

  it('keeps the feed and the listings apart', () => {
    expect(feedRefusal(() => codec.decodeFeed(codec.encode(position, 'filter-a'), 'after'))).toContain('listing');
    expect(refusal(() => codec.decode(codec.encodeFeed(at), 'filter-a'))).toContain('feed');
  });

  it('refuses an altered, foreign or garbage cursor', () => {
    const [body, signature] = codec.encodeFeed(at).split('.');
    const altered = Buffer.from(JSON.stringify({ v: 1, p: 'feed', x: '1', s: '1' })).toString('base64url');
    expect(feedRefusal(() => codec.decodeFeed(`${altered}.${signature}`, 'after'))).toContain('altered');
    expect(body).not.toBe(altered);
    const other = new CursorCodec(Buffer.from('another-secret-of-sufficient-length'));
    expect(feedRefusal(() => codec.decodeFeed(other.encodeFeed(at), 'after'))).toContain('altered');
    for (const garbage of ['', 'x.y', `${'a'.repeat(600)}.${'b'.repeat(22)}`, '%00', 'null']) {
      expect(feedRefusal(() => codec.decodeFeed(garbage, 'after'))).toContain('not a cursor');
    }
  });
});
