import { parseCheckpoint, type SignedCheckpoint } from '../checkpoint/checkpoint';
import { isoToMicros } from '../checkpoint/sealed-leaf';
import type { TrailEntry } from './trail-verifier';

/**
 * One line of a verifiable export (the gateway's NDJSON export with proof fields, or
 * `admin-cli export-trail`): {id, xactId, seq, time, event}, other fields ignored. Returns why
 * not when the line lacks what verification needs.
 */
export function parseTrailLine(line: string): TrailEntry | string {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const { id, xactId, seq, time, event } = value;
  if (typeof id !== 'string') return 'no id';
  if (typeof xactId !== 'string' || !/^\d+$/.test(xactId) || typeof seq !== 'string' || !/^-?\d+$/.test(seq)) {
    return 'no position (xactId and seq as strings of digits): export with proof fields';
  }
  const occurredUs = typeof time === 'string' ? isoToMicros(time) : undefined;
  if (occurredUs === undefined) return 'no time (RFC 3339)';
  if (event === undefined) return 'no raw event: export with proof fields';
  return { id, position: { xactId, seq }, occurredUs, event };
}

/** Checkpoints from NDJSON lines (a checkpoints file, or records of audit.checkpoints.v1), or the first bad line. */
export function parseCheckpointLines(lines: readonly string[]): SignedCheckpoint[] {
  const checkpoints: SignedCheckpoint[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`checkpoints line ${index + 1}: not JSON`);
    }
    const parsed = parseCheckpoint(value);
    if (typeof parsed === 'string') throw new Error(`checkpoints line ${index + 1}: ${parsed}`);
    checkpoints.push(parsed);
  });
  return checkpoints;
}
