import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { TrailPosition as CommitPosition } from '@meshtrail/audit-store';
import { invalidParameter } from '../../common/invalid-parameter';

/** Where a page ended in the newest-first order: the event time in microseconds, then the ingestion sequence. */
export interface CursorPosition {
  occurredUs: string;
  seq: string;
  /** Which table the row came from: at the same instant, audit events come before auth events. */
  kind?: 'audit' | 'auth';
}

/** A cursor of a listing (newest first). */
interface ListPayload {
  v: 1;
  t: string;
  s: string;
  /** 'u' for an auth event; absent for an audit event. */
  k?: 'u';
  /** Hash of the filter the cursor belongs to. */
  f: string;
  p?: undefined;
}

/** A cursor of the feed (commit order): the transaction id and seq of the position. */
interface FeedPayload {
  v: 1;
  p: 'feed';
  x: string;
  s: string;
}

const MAX_CURSOR_LENGTH = 512;
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

const NOT_OURS = 'is not a cursor issued by this API';

/** True for a decimal integer from 0 to `max`. */
function isCount(value: unknown, max: bigint): value is string {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) <= max;
}

/**
 * Opaque, tamper-evident cursors, HMAC-signed: a listing's keyset position with a hash of its
 * filter, or a position in the feed's commit order. A cursor only carries a position; the
 * caller's workspace scope is applied to every page anew.
 */
export class CursorCodec {
  constructor(private readonly secret: Buffer) {}

  encode(position: CursorPosition, canonicalFilter: string): string {
    return this.seal({
      v: 1,
      t: position.occurredUs,
      s: position.seq,
      ...(position.kind === 'auth' ? { k: 'u' as const } : {}),
      f: filterHash(canonicalFilter),
    });
  }

  /** The position of a cursor issued by this gateway for the same filter; 400 naming `cursor` otherwise. */
  decode(cursor: string, canonicalFilter: string): CursorPosition {
    const bad = (why: string) => invalidParameter('cursor', why);
    const payload = this.open(cursor, 'cursor');
    if (payload.p === 'feed') throw bad('is a cursor of the feed (/api/v1/events/feed), not of this listing');
    if (
      payload.v !== 1 ||
      !/^-?\d{1,19}$/.test(payload.t) ||
      !/^\d{1,19}$/.test(payload.s) ||
      (payload.k !== undefined && payload.k !== 'u')
    ) {
      throw bad(NOT_OURS);
    }
    if (payload.f !== filterHash(canonicalFilter)) throw bad('was issued for other filters; start again without it');
    return { occurredUs: payload.t, seq: payload.s, kind: payload.k === 'u' ? 'auth' : 'audit' };
  }

  encodeFeed(position: CommitPosition): string {
    return this.seal({ v: 1, p: 'feed', x: position.xactId, s: position.seq });
  }

  /** The commit-order position of a feed cursor issued by this gateway; 400 naming `parameter` otherwise. */
  decodeFeed(cursor: string, parameter: string): CommitPosition {
    const payload = this.open(cursor, parameter);
    if (payload.p !== 'feed') {
      throw invalidParameter(parameter, 'is a cursor of a listing (nextCursor), not of the feed (next)');
    }
    if (payload.v !== 1 || !isCount(payload.x, MAX_XID8) || !isCount(payload.s, MAX_BIGINT)) {
      throw invalidParameter(parameter, NOT_OURS);
    }
    return { xactId: payload.x, seq: payload.s };
  }

  private seal(payload: ListPayload | FeedPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The payload of a cursor this gateway signed; 400 naming `parameter` for anything else. */
  private open(cursor: string, parameter: string): ListPayload | FeedPayload {
    const bad = (why: string) => invalidParameter(parameter, why);
    if (cursor.length > MAX_CURSOR_LENGTH) throw bad(NOT_OURS);
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/.exec(cursor);
    if (!match) throw bad(NOT_OURS);
    const [, body, signature] = match;
    const expected = this.mac(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw bad(`${NOT_OURS} (or it was altered)`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw bad(NOT_OURS);
    }
    if (typeof payload !== 'object' || payload === null) throw bad(NOT_OURS);
    return payload as ListPayload | FeedPayload;
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, 16);
  }
}

function filterHash(canonicalFilter: string): string {
  return createHash('sha256').update(canonicalFilter).digest('hex').slice(0, 16);
}
