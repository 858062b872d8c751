import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { invalidParameter } from '../../common/invalid-parameter';

/** Where a page ended in the newest-first order: the event time in microseconds, then the ingestion sequence. */
export interface CursorPosition {
  occurredUs: string;
  seq: string;
  /** Which table the row came from: at the same instant, audit events come before auth events. */
  kind?: 'audit' | 'auth';
}

interface CursorPayload {
  v: 1;
  t: string;
  s: string;
  /** 'u' for an auth event; absent for an audit event. */
  k?: 'u';
  /** Hash of the filter the cursor belongs to. */
  f: string;
}

const MAX_CURSOR_LENGTH = 512;

/**
 * Opaque, tamper-evident keyset cursors: the position and a hash of the filter, HMAC-signed. A
 * cursor only carries a position; the caller's workspace scope is applied to every page anew.
 */
export class CursorCodec {
  constructor(private readonly secret: Buffer) {}

  encode(position: CursorPosition, canonicalFilter: string): string {
    const payload: CursorPayload = {
      v: 1,
      t: position.occurredUs,
      s: position.seq,
      ...(position.kind === 'auth' ? { k: 'u' as const } : {}),
      f: filterHash(canonicalFilter),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The position of a cursor issued by this gateway for the same filter; 400 naming `cursor` otherwise. */
  decode(cursor: string, canonicalFilter: string): CursorPosition {
    const bad = (why: string) => invalidParameter('cursor', why);
    if (cursor.length > MAX_CURSOR_LENGTH) throw bad('is not a cursor issued by this API');
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/.exec(cursor);
    if (!match) throw bad('is not a cursor issued by this API');
    const [, body, signature] = match;
    const expected = this.mac(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw bad('is not a cursor issued by this API (or it was altered)');
    }
    let payload: CursorPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
    } catch {
      throw bad('is not a cursor issued by this API');
    }
    if (
      payload.v !== 1 ||
      !/^-?\d{1,19}$/.test(payload.t) ||
      !/^\d{1,19}$/.test(payload.s) ||
      (payload.k !== undefined && payload.k !== 'u')
    ) {
      throw bad('is not a cursor issued by this API');
    }
    if (payload.f !== filterHash(canonicalFilter)) throw bad('was issued for other filters; start again without it');
    return { occurredUs: payload.t, seq: payload.s, kind: payload.k === 'u' ? 'auth' : 'audit' };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, 16);
  }
}

function filterHash(canonicalFilter: string): string {
  return createHash('sha256').update(canonicalFilter).digest('hex').slice(0, 16);
}
