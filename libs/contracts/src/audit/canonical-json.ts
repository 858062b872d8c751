import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted and no insignificant whitespace (the RFC 8785 canonical form for
 * the values JSON.parse produces), so the same event always hashes the same, whatever key order
 * or spacing its producer used.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // the hot path of every ingested event: a copy with its keys inserted in sorted order, which
  // JSON.stringify writes in that order, costs less than writing the text key by key
  const sorted = sortedCopy(value);
  return sorted === UNSORTABLE ? canonicalJsonByHand(value) : JSON.stringify(sorted);
}

/** SHA-256 (hex) of the canonical form: stored beside each event, compared on redelivery. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** SHA-256 (hex) of a canonical form already made: canonicalHash(value) is sha256Hex(canonicalJson(value)). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const UNSORTABLE = Symbol('unsortable');

/**
 * The value with every object's keys inserted in sorted order, or UNSORTABLE where JSON.stringify
 * would not write that order or that value as canonicalJsonByHand does: a key that is an integer
 * (objects list those first, in numeric order), `__proto__`, an object that is not plain (a Date
 * or anything with toJSON), a function, symbol or bigint.
 */
function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'function':
    case 'symbol':
    case 'bigint':
      return UNSORTABLE;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedCopy(value[i]);
      if (item === UNSORTABLE) return UNSORTABLE;
      copy[i] = item;
    }
    return copy;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return UNSORTABLE;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || key === '__proto__') return UNSORTABLE;
    const item = sortedCopy(record[key]);
    if (item === UNSORTABLE) return UNSORTABLE;
    copy[key] = item;
  }
  return copy;
}

/** canonicalJson written out key by key: the reference, and the way for what sortedCopy refuses. */
export function canonicalJsonByHand(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += value[i] === undefined ? 'null' : canonicalJsonByHand(value[i]);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) text += ',';
    first = false;
    text += `${JSON.stringify(key)}:${canonicalJsonByHand(item)}`;
  }
  return `${text}}`;
}
