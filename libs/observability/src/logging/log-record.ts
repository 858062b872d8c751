/**
 * The shape of one log record, shared by the JSON and the text format: the keys every line
 * starts with, and the fields after them as plain data.
 */
export const HEADER_KEYS = ['level', 'timestamp', 'service', 'pid', 'logger', 'message'] as const;

const RESERVED = new Set<string>(HEADER_KEYS);

/** `,"timestamp":"<ISO 8601 UTC>"`, the fragment pino splices into each line after the level. */
export function isoTimestamp(): string {
  return `,"timestamp":"${new Date().toISOString()}"`;
}

function fieldName(key: string): string {
  if (key === 'err') return 'error'; // where nestjs-pino puts Nest's errors; ours are under `error`
  // Nest's own lines carry their context as `logger` (AppLogger binds its name instead, and keeps
  // its callers' fields off that key)
  return RESERVED.has(key) && key !== 'logger' ? `field_${key}` : key;
}

/**
 * The fields of a record as they are written: a field never overwrites a header key (it becomes
 * `field_<key>`), and an error becomes {name, message, stack} — never its other properties, which
 * may carry a statement's parameters or a row.
 */
export function recordFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    const value = fields[key];
    out[fieldName(key)] =
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}
