import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted and no insignificant whitespace (the RFC 8785 canonical form for
 * the values JSON.parse produces), so the same event always hashes the same, whatever key order
 * or spacing its producer used.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += value[i] === undefined ? 'null' : canonicalJson(value[i]);
    }
    return `${text}]`;
  }
  // string concatenation in a loop: the hot path of every ingested event
  const record = value as Record<string, unknown>;
  let text = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) text += ',';
    first = false;
    text += `${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
}

/** SHA-256 (hex) of the canonical form: stored beside each event, compared on redelivery. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** SHA-256 (hex) of a canonical form already made: canonicalHash(value) is sha256Hex(canonicalJson(value)). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
