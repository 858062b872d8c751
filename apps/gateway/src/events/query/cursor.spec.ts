import { ApiError } from '@meshtrail/auth';
import { CursorCodec } from './cursor';

const codec = new CursorCodec(Buffer.from('a-test-secret-of-sufficient-length'));
const position = { occurredUs: '1767225600123456', seq: '42' };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const body = error.getResponse() as { parameter: string; message: string };
    expect(error.getStatus()).toBe(400);
    expect(body.parameter).toBe('cursor');
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
