/** COPY text format: backslash, tab, newline and carriage return escaped; \N is NULL. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One row in COPY text format, without its line end. */
export function copyLine(values: readonly unknown[]): string {
  return values.map(copyField).join('\t');
}
