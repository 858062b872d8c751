/**
 * A COPY text line's fields as PostgreSQL reads them: split at tabs, \N is null, escapes undone
 * (an escape copyLine never writes reads as undefined, so a property test sees it).
 */
export function readCopyLine(line: string): Array<string | null> {
  const escapes: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };
  return line
    .split('\t')
    .map((field) => (field === '\\N' ? null : field.replace(/\\(.)/g, (_, c: string) => escapes[c])));
}

/** The text PostgreSQL should read for a value given to copyLine (null for null and undefined). */
export function copiedText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
