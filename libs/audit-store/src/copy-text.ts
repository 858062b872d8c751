const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** COPY text format: backslash, tab, newline and carriage return escaped; \N is NULL. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  // most fields have nothing to escape: testing is cheaper than a replace that finds nothing
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPED[c]) : text;
}

/** One row in COPY text format, without its line end. */
export function copyLine(values: readonly unknown[]): string {
  if (values.length === 0) return '';
  let line = copyField(values[0]);
  for (let i = 1; i < values.length; i++) line += '\t' + copyField(values[i]);
  return line;
}
